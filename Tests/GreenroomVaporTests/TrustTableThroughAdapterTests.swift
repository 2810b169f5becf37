#if Vapor
import GreenroomCore
import GreenroomServer
import Testing

/// The resolver's unit tables (`ForwardedResolverTests`, `ForwardedHeaderTests`), run through the
/// adapter over live loopback sockets.
///
/// Through Greenroom's server each row's peer is impersonated with a PROXY v1 header from
/// 127.0.0.1 (trusted by every row used), so every row with an IP peer runs; the answer's `via`
/// is then `proxy-protocol` where the table says `peer`. Through the middleware on Vapor's own
/// server the peer is the socket's, 127.0.0.1, so the rows whose peer is 127.0.0.1 run.
@Suite struct TrustTableThroughAdapterTests {
    static let table = ForwardedResolverTests.cases + ForwardedHeaderTests.cases

    /// Rows an HTTP/1.1 request can carry (printable header values) whose trust list trusts
    /// 127.0.0.1, the PROXY header's sender.
    static let providerRows = table.filter { row in
        guard case .ip = row.peer, sendable(row) else { return false }
        return (try? TrustedProxies(parsing: row.trust).trusts(.ip(.loopbackV4, port: 1))) == true
    }

    static let middlewareRows = table.filter { row in
        row.peer.address == .loopbackV4 && sendable(row)
    }

    static func sendable(_ row: ResolverCase) -> Bool {
        row.headers.allSatisfy { header in
            !header.name.isEmpty && header.value.utf8.allSatisfy { $0 == 0x09 || (0x20...0x7E).contains($0) }
                && header.value.first != " " && header.value.last != " "
        }
    }

    static func configuration(_ row: ResolverCase, proxyProtocol: ProxyProtocolMode) throws -> ServerConfiguration {
        var configuration = VaporTestApp.configuration(trust: try TrustedProxies(parsing: row.trust))
        configuration.forwardedHeaders = row.policy
        configuration.authoritativeHeaders = row.authoritative
        if case .hops(let count) = row.mode { configuration.hops = count }
        configuration.proxyProtocol = proxyProtocol
        return configuration
    }

    @Test func bothPathsRunRows() {
        #expect(Self.providerRows.count >= 30, "\(Self.providerRows.count) of \(Self.table.count)")
        #expect(Self.middlewareRows.count >= 15, "\(Self.middlewareRows.count) of \(Self.table.count)")
    }

    @Test(arguments: providerRows)
    func providerResolvesLikeTheTable(_ row: ResolverCase) async throws {
        guard case .ip(let address, let port) = row.peer else { return }
        let family = address.family == .v4 ? "TCP4" : "TCP6"
        let destination = address.family == .v4 ? "127.0.0.1" : "::1"
        let proxyLine = "PROXY \(family) \(address) \(destination) \(port ?? 1) 8000\r\n"
        try await VaporTestApp.with(.provider, try Self.configuration(row, proxyProtocol: .required)) { app in
            let answer = try await app.whoami(row.headers, prefix: Array(proxyLine.utf8))
            #expect(answer.client == row.client)
            #expect(answer.clientPort == (row.port ?? (row.via == .peer ? port : nil)))
            #expect(answer.via == (row.via == .peer ? "proxy-protocol" : row.via.rawValue))
            #expect(answer.decision == row.decision.name)
        }
    }

    @Test(arguments: middlewareRows, VaporTestApp.Path.allCases)
    func socketPeerResolvesLikeTheTable(_ row: ResolverCase, path: VaporTestApp.Path) async throws {
        try await VaporTestApp.with(path, try Self.configuration(row, proxyProtocol: .off)) { app in
            let answer = try await app.whoami(row.headers)
            #expect(answer.client == row.client)
            // The table's 127.0.0.1 peer has port 40000; the live socket's port is ephemeral.
            if row.via != .peer { #expect(answer.clientPort == row.port) }
            #expect(answer.via == row.via.rawValue)
            #expect(answer.decision == row.decision.name)
        }
    }
}
#endif
