#if Vapor
import GreenroomCore
import Vapor

extension HTTPHeaders {
    /// `false` when ``pinForwarding(to:)`` would change nothing (no `Forwarded` or
    /// `X-Forwarded-For` field and no client found in them), so the request's headers need not
    /// be copied.
    func needsPinning(to client: ClientAddress) -> Bool {
        client.via == .xForwardedFor || client.via == .forwarded
            || contains { $0.name.utf8.count == 9 || $0.name.utf8.count == 15 ? Self.isPinned($0.name) : false }
    }

    /// `Forwarded` or `X-Forwarded-For`, in any case.
    private static func isPinned(_ name: String) -> Bool {
        name.caseInsensitiveCompare("forwarded") == .orderedSame
            || name.caseInsensitiveCompare("x-forwarded-for") == .orderedSame
    }

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
