#if Hummingbird
import GreenroomHummingbird
import Testing

/// The trust layer's scenarios over live loopback sockets: each request goes to the Hummingbird
/// adapter and to Greenroom's own server running `greenroom serve`'s app with the same settings,
/// and `/whoami` must answer byte for byte the same (the same rules, options and JSON).
@Suite struct TrustTableTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var trust: [String] = ["loopback", "10.0.0.0/8"]
        var proxyProtocol = "off"
        var forwardedHeaders = "x-forwarded"
        var prefix: [UInt8] = []
        var headers: String = ""
        /// `"client"` of the expected answer.
        var client: String

        var testDescription: String { name }
        var options: GreenroomOptions {
            get throws {
                try GreenroomOptions(trust: trust, proxyProtocol: proxyProtocol, forwardedHeaders: forwardedHeaders)
            }
        }
    }

    static let haproxyTCP4: [UInt8] = hexBytes("0d0a0d0a000d0a515549540a2111000c7f0000017f000001bf4e46a3")

    static let cases: [Case] = [
        Case(name: "trusted peer, no header: the peer", client: "127.0.0.1"),
        Case(
            name: "trusted peer names the client",
            headers: "X-Forwarded-For: 198.51.100.7\r\n",
            client: "198.51.100.7"
        ),
        Case(
            name: "walk right to left over trusted hops",
            headers: "X-Forwarded-For: 203.0.113.5, 198.51.100.7, 10.0.0.3\r\n",
            client: "198.51.100.7"
        ),
        Case(
            name: "every hop trusted: the leftmost",
            headers: "X-Forwarded-For: 10.0.0.9, 10.0.0.3\r\n",
            client: "10.0.0.9"
        ),
        Case(
            name: "lines joined in order",
            headers: "X-Forwarded-For: 203.0.113.5\r\nX-Forwarded-For: 198.51.100.7\r\n",
            client: "198.51.100.7"
        ),
        Case(
            name: "garbage hop stops the walk",
            headers: "X-Forwarded-For: 203.0.113.5, garbage, 10.0.0.3\r\n",
            client: "10.0.0.3"
        ),
        Case(name: "unknown stops the walk", headers: "X-Forwarded-For: unknown\r\n", client: "127.0.0.1"),
        Case(
            name: "scheme, host, port and prefix from the trusted hop",
            headers: "X-Forwarded-For: 198.51.100.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: app.example\r\n"
                + "X-Forwarded-Port: 443\r\nX-Forwarded-Prefix: /app\r\n",
            client: "198.51.100.7"
        ),
        Case(
            name: "Forwarded with its policy",
            forwardedHeaders: "forwarded",
            headers: "Forwarded: for=\"[2001:db8::7]:4711\";proto=https;host=app.example\r\n",
            client: "2001:db8::7"
        ),
        Case(
            name: "X-Forwarded-For ignored under the forwarded policy",
            forwardedHeaders: "forwarded",
            headers: "X-Forwarded-For: 198.51.100.7\r\n",
            client: "127.0.0.1"
        ),
        Case(
            name: "both families disagree: x-forwarded decides",
            forwardedHeaders: "both",
            headers: "X-Forwarded-For: 198.51.100.7\r\nForwarded: for=203.0.113.5\r\n",
            client: "198.51.100.7"
        ),
        Case(
            name: "--trust none: nobody",
            trust: ["none"],
            headers: "X-Forwarded-For: 198.51.100.7\r\n",
            client: "127.0.0.1"
        ),
        Case(
            name: "PROXY v1 from a trusted peer names the connection's peer",
            proxyProtocol: "optional",
            prefix: Array("PROXY TCP4 198.51.100.7 127.0.0.1 4711 80\r\n".utf8),
            client: "198.51.100.7"
        ),
        Case(
            name: "PROXY source untrusted: its forwarding headers are ignored",
            trust: ["loopback"],
            proxyProtocol: "required",
            prefix: Array("PROXY TCP4 198.51.100.7 127.0.0.1 4711 80\r\n".utf8),
            headers: "X-Forwarded-For: 203.0.113.5\r\n",
            client: "198.51.100.7"
        ),
        Case(
            name: "PROXY source trusted: the walk goes on",
            proxyProtocol: "required",
            prefix: Array("PROXY TCP4 10.0.0.2 127.0.0.1 4711 80\r\n".utf8),
            headers: "X-Forwarded-For: 198.51.100.7\r\n",
            client: "198.51.100.7"
        ),
        Case(name: "PROXY v2 (HAProxy's bytes)", proxyProtocol: "required", prefix: haproxyTCP4, client: "127.0.0.1"),
        Case(
            name: "PROXY v1 UNKNOWN keeps the socket's peer",
            proxyProtocol: "optional",
            prefix: Array("PROXY UNKNOWN\r\n".utf8),
            client: "127.0.0.1"
        ),
        Case(
            name: "optional PROXY, none sent",
            proxyProtocol: "optional",
            headers: "X-Forwarded-For: 198.51.100.7\r\n",
            client: "198.51.100.7"
        ),
    ]

    @Test(arguments: cases)
    func adapterAnswersAsServeDoes(_ testCase: Case) async throws {
        let options = try testCase.options
        let request: @Sendable (Int) async throws -> String = { port in
            try await RawClient.get(port: port, "/whoami", headers: testCase.headers, prefix: testCase.prefix)
        }
        let adapter = try await withHummingbirdApp(options, request)
        let reference = try await withGreenroomServer(options, request)
        #expect(adapter.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(adapter)")
        #expect(adapter.lowercased().contains("content-type: application/json\r\n"))
        // The socket's ephemeral port differs between the two connections, and only that.
        #expect(
            Self.ephemeralPortHidden(RawClient.body(adapter)) == Self.ephemeralPortHidden(RawClient.body(reference))
        )
        #expect(RawClient.body(adapter).hasPrefix("{\"client\":\"\(testCase.client)\""), "\(adapter)")
    }

    /// `"client_port":N` as `"client_port":"socket"` when the client is the test's own socket.
    static func ephemeralPortHidden(_ body: String) -> String {
        guard body.hasPrefix(#"{"client":"127.0.0.1","#) else { return body }
        return body.replacing(/"client_port":[0-9]+/, with: #""client_port":"socket""#)
    }

    @Test func remoteAddressIsTheResolvedClient() async throws {
        let response = try await withHummingbirdApp(GreenroomOptions()) { port in
            try await RawClient.get(port: port, "/remote", headers: "X-Forwarded-For: 198.51.100.7:4711\r\n")
        }
        #expect(RawClient.body(response) == "[IPv4]198.51.100.7:4711")
    }
}

func hexBytes(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        bytes.append(UInt8(text[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}
#endif
