#if Vapor
import GreenroomCore
import GreenroomServer
import NIOCore
import NIOPosix
import Vapor

/// Runs a Vapor app's responder for the requests Greenroom's server decoded: each Greenroom
/// `Request` becomes a Vapor `Request`, each Vapor `Response` a Greenroom `Response`.
///
/// The server has resolved the client (PROXY header, forwarding headers) and removed the
/// forwarding headers of untrusted peers; the Vapor request carries that client for
/// `req.greenroom.client`, the connection's peer as `remoteAddress`, and `X-Forwarded-For` /
/// `Forwarded` pinned to that client (`req.peerAddress` is Greenroom's answer).
///
/// Through Vapor's public API a request body can only be handed over collected (its streaming
/// body type is internal), so the body is read whole first, within the server's
/// `maxBodyBytes`. A streamed response body is sent as the route writes it (``VaporBodyStream``),
/// and a response that upgrades the connection (WebSocket) is answered 501.
struct VaporResponderHandler: HTTPHandler {
    let application: Application
    let responder: any Responder
    let maxBodyBytes: Int

    private static let notImplemented = GreenroomServer.Response.text(
        "Protocol upgrades are not supported on Greenroom's server\n",
        status: .notImplemented
    )

    func handle(_ request: GreenroomServer.Request) async throws -> GreenroomServer.Response {
        let eventLoop = MultiThreadedEventLoopGroup.currentEventLoop ?? application.eventLoopGroup.any()
        var body: ByteBuffer?
        if request.headers.contains(name: "content-length") || request.headers.contains(name: "transfer-encoding") {
            let collected = try await request.body.collect(upTo: maxBodyBytes)
            if collected.readableBytes > 0 { body = collected }
        }
        var headers = request.headers
        headers.pinForwarding(to: request.client)
        let vaporRequest = Vapor.Request(
            application: application,
            method: request.method,
            url: URI(string: request.uri),
            version: request.version,
            headersNoUpdate: headers,
            collectedBody: body,
            remoteAddress: Self.socketAddress(request.peer),
            peerCertificateChain: nil,
            logger: application.logger,
            byteBufferAllocator: application.allocator,
            on: eventLoop
        )
        vaporRequest.storage[ClientAddressKey.self] = request.client
        let response = try await responder.respond(to: vaporRequest).get()
        guard response.upgrader == nil else { return Self.notImplemented }
        let responseBody: ResponseBody
        if let buffer = response.body.buffer {
            responseBody = ResponseBody(bytes: buffer)
        } else if let stream = VaporBodyStream(response.body) {
            responseBody = stream.responseBody(on: eventLoop)
        } else {
            responseBody = ResponseBody(bytes: try await response.body.collect(on: eventLoop).get() ?? ByteBuffer())
        }
        return GreenroomServer.Response(status: response.status, headers: response.headers, body: responseBody)
    }

    /// The NIO address of a peer, for Vapor's `remoteAddress`; `nil` for an unnamed unix peer.
    static func socketAddress(_ peer: Peer) -> SocketAddress? {
        switch peer {
        case .ip(let address, let port):
            return try? SocketAddress(ipAddress: address.unmapped.description, port: Int(port ?? 0))
        case .unix(let path):
            return path.flatMap { try? SocketAddress(unixDomainSocketPath: $0) }
        }
    }
}
#endif
