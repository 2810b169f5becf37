#if Hummingbird
import GreenroomHummingbird
import Testing

/// Malformed PROXY headers close the connection without a response; malformed forwarding headers
/// are answered like any request, never an error.
@Suite struct BadInputTests {
    @Test(arguments: [
        "PROXY TCP4 192.0.2.1 198.51.100.1 4711\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.1 4711 99999\r\n",
        "PROXY TCP6 192.0.2.1 198.51.100.1 4711 443\r\n",
        "PROXY  TCP4 192.0.2.1 198.51.100.1 4711 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.1 4711 443\n",
        "\r\n\r\n\0\r\nQUIT\n\u{21}\u{11}\0\u{ff}",
    ])
    func malformedProxyHeaderClosesTheConnection(_ header: String) async throws {
        for mode in [ProxyProtocolMode.optional, .required] {
            let response = try await withHummingbirdApp(GreenroomOptions(proxyProtocol: mode)) { port in
                try await RawClient.get(port: port, "/whoami", prefix: Array(header.utf8))
            }
            #expect(response.isEmpty, "\(mode): \(response)")
        }
    }

    @Test func requiredProxyHeaderMissingClosesTheConnection() async throws {
        let response = try await withHummingbirdApp(GreenroomOptions(proxyProtocol: .required)) { port in
            try await RawClient.get(port: port, "/whoami")
        }
        #expect(response.isEmpty, "\(response)")
    }

    @Test(arguments: [
        "X-Forwarded-For: [::1\r\n",
        "X-Forwarded-For: ,,,,\r\n",
        "X-Forwarded-For: 999.1.1.1\r\n",
        "X-Forwarded-For: \(String(repeating: "1.2.3.4, ", count: 500))1.2.3.4\r\n",
        "Forwarded: for=\"\r\n",
        "Forwarded: for=_hidden;proto=gopher\r\n",
        "Forwarded: ;;;=\r\n",
        "X-Forwarded-Port: 99999\r\nX-Forwarded-Proto: ht tp\r\n",
        "X-Forwarded-Host: a\"b,c;d\r\n",
    ])
    func malformedForwardingHeadersNeverRaise(_ header: String) async throws {
        var options = GreenroomOptions()
        options.forwardedHeaders = .both
        let response = try await withHummingbirdApp(options) { port in
            try await RawClient.get(port: port, "/whoami", headers: header)
        }
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(response)")
        #expect(RawClient.body(response).hasPrefix(#"{"client":"#), "\(response)")
    }
}
#endif
