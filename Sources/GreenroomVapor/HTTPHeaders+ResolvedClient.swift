#if Vapor
import GreenroomCore
import Vapor

extension HTTPHeaders {
    /// Makes the headers Vapor reads for the client say Greenroom's answer and nothing else.
    ///
    /// Vapor's `req.peerAddress` believes the first `Forwarded` element, else the left-most
    /// `X-Forwarded-For` entry. Behind a trusted proxy that appends, that entry is the client's own
    /// text; a family the resolver does not read (`Forwarded` behind nginx) is the client's
    /// entirely. So both are removed, and when the client was found in them, one
    /// `X-Forwarded-For` naming it is put back: `peerAddress` is then the resolved client, and
    /// a client that came straight or through the PROXY protocol is `remoteAddress`. The whole
    /// chain the resolver walked stays in `req.greenroom.client.chain`.
    mutating func pinForwarding(to client: ClientAddress) {
        remove(name: "forwarded")
        remove(name: "x-forwarded-for")
        guard client.via == .xForwardedFor || client.via == .forwarded, let address = client.address else { return }
        add(name: "X-Forwarded-For", value: address.unmapped.description)
    }
}
#endif
