#if Vapor
import GreenroomCore
import GreenroomServer
import NIOCore
import Testing

/// The PROXY protocol vectors (`ProxyProtocolV1Tests`, `ProxyProtocolV2Tests`) sent to a Vapor app
/// on Greenroom's server: a valid header names the client, a malformed one closes the connection
/// without a response, and an untrusted peer's header is never believed.
@Suite struct ProxyProtocolThroughProviderTests {
    static func configuration(_ mode: ProxyProtocolMode = .required) -> ServerConfiguration {
        var configuration = VaporTestApp.configuration()
        configuration.proxyProtocol = mode
        return configuration
    }

    static let request = Array("GET /whoami HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".utf8)

    @Test(arguments: ProxyProtocolV1Tests.valid.indices)
    func validV1HeaderNamesTheClient(_ index: Int) async throws {
        let (line, source, _) = ProxyProtocolV1Tests.valid[index]
        try await VaporTestApp.with(.provider, Self.configuration()) { app in
            let answer = try await app.whoami([], prefix: Array(line.utf8))
            // UNKNOWN: the proxy speaks for itself; the socket's peer stands.
            let expected = source?.address.map { "\($0)" } ?? "127.0.0.1"
            #expect(answer.client == expected, "\(line.debugDescription)")
            #expect(answer.via == (source == nil ? "peer" : "proxy-protocol"))
        }
    }

    @Test func haproxyV2CapturesNameTheirSource() async throws {
        let captures: [([UInt8], String, String)] = [
            (ProxyProtocolV2Tests.haproxyTCP4, "127.0.0.1", "http"),
            (ProxyProtocolV2Tests.haproxyTCP6, "::1", "http"),
            (ProxyProtocolV2Tests.haproxyLocal, "127.0.0.1", "http"),
            (ProxyProtocolV2Tests.haproxyTLS, "127.0.0.1", "https"),
        ]
        try await VaporTestApp.with(.provider, Self.configuration()) { app in
            for (bytes, client, scheme) in captures {
                let answer = try await app.whoami([], prefix: bytes)
                #expect(answer.client == client)
                #expect(answer.scheme == scheme)
            }
        }
    }

    @Test(arguments: ProxyProtocolV1Tests.invalid.map(\.0))
    func malformedV1HeaderClosesTheConnection(_ line: String) async throws {
        try await expectClosedWithoutResponse(Array(line.utf8) + Self.request)
    }

    @Test(arguments: ProxyProtocolV2Tests.invalid.indices)
    func malformedV2HeaderClosesTheConnection(_ index: Int) async throws {
        try await expectClosedWithoutResponse(ProxyProtocolV2Tests.invalid[index].0 + Self.request)
    }

    @Test func missingHeaderClosesTheConnectionWhenRequired() async throws {
        try await expectClosedWithoutResponse(Self.request)
    }

    @Test func untrustedPeersHeaderClosesTheConnection() async throws {
        var configuration = Self.configuration(.optional)
        configuration.trustedProxies = try TrustedProxies(parsing: ["10.0.0.0/8"])
        try await expectClosedWithoutResponse(
            Array("PROXY TCP4 203.0.113.9 127.0.0.1 4711 80\r\n".utf8) + Self.request,
            configuration
        )
    }

    @Test func optionalModeServesAConnectionWithoutHeader() async throws {
        try await VaporTestApp.with(.provider, Self.configuration(.optional)) { app in
            let answer = try await app.whoami([("X-Forwarded-For", "198.51.100.7")])
            #expect(answer.client == "198.51.100.7")
        }
    }

    func expectClosedWithoutResponse(
        _ bytes: [UInt8],
        _ configuration: ServerConfiguration = configuration()
    ) async throws {
        try await VaporTestApp.with(.provider, configuration) { app in
            let client = try await app.connect()
            try await client.send(bytes)
            let reply = try await client.readToClose()
            #expect(reply.isEmpty, "\(reply)")
            await client.close()
        }
    }
}
#endif
