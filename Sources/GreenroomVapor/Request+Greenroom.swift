#if Vapor
public import GreenroomCore
import GreenroomServer
public import Vapor

extension Vapor.Request {
    /// What Greenroom knows about this request: the client behind the trusted proxies.
    ///
    /// Filled in by ``GreenroomMiddleware`` or by the Greenroom server provider
    /// (`app.servers.use(.greenroom(...))`), before the routes run.
    public var greenroom: GreenroomRequest { GreenroomRequest(request: self) }
}

/// The trust layer's view of one Vapor request: read it as `req.greenroom`.
public struct GreenroomRequest: Sendable {
    let request: Vapor.Request

    /// The client as the trust layer resolved it: its address, port, scheme, host, and why
    /// Greenroom believes it (`via`, the trusted chain).
    ///
    /// Use it instead of Vapor's `req.peerAddress`, which takes the left-most `Forwarded` or
    /// `X-Forwarded-For` entry from anyone. Without ``GreenroomMiddleware`` or the server provider
    /// nothing resolved the request, and this is the socket peer, trusting no header.
    public var client: ClientAddress {
        if let client = request.storage[ClientAddressKey.self] { return client }
        let peer = request.remoteAddress.map { Peer($0) } ?? .unix(path: nil)
        return ForwardedResolver(trusted: .none).resolve(ConnectionPeer(socketPeer: peer), headers: request.headers)
    }
}

/// Where the resolved client is kept in `Request.storage`.
struct ClientAddressKey: StorageKey {
    typealias Value = ClientAddress
}
#endif
