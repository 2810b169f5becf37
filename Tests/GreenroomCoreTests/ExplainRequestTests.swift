import Testing

@testable import GreenroomCore

/// One `greenroom explain` invocation: the flags, and the exact narrative and JSON it prints.
struct ExplainCase: CustomTestStringConvertible, Sendable {
    var name: String
    var peer: String
    var trust: [String] = []
    var policy: ForwardedResolver.HeaderPolicy? = nil
    var authoritative: ForwardedResolver.HeaderFamily? = nil
    var hops: Int? = nil
    var headers: [String] = []
    var proxyHex: String? = nil
    var narrative: String
    var json: String

    var testDescription: String { name }

    func explain() throws -> ExplainResult {
        let trust = try TrustSettings(
            trust: trust,
            forwardedHeaders: policy,
            authoritativeHeaders: authoritative,
            hops: hops
        )
        return try ExplainRequest(peer: peer, trust: trust, headers: headers, proxyHex: proxyHex).resolve()
    }
}

/// The JSON of a client without host, port or prefix.
private func plainJSON(
    client: String,
    port: String = "null",
    peer: String,
    scheme: String = "http",
    via: String,
    chain: [String],
    decision: String,
    extra: String = ""
) -> String {
    let chainText = chain.map { "\"\($0)\"" }.joined(separator: ",")
    return "{\"client\":\"\(client)\",\"client_port\":\(port),\"peer\":\"\(peer)\",\"scheme\":\"\(scheme)\","
        + "\"host\":null,\"port\":null,\"prefix\":null,\"via\":\"\(via)\",\"chain\":[\(chainText)],"
        + "\"decision\":\"\(decision)\"\(extra)}"
}

/// `bytes` as lower-case hex digits.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// A PROXY v1 line from 203.0.113.7:4711 to 127.0.0.1:80.
let proxyV1Line = "PROXY TCP4 203.0.113.7 127.0.0.1 4711 80\r\n"

/// A PROXY v2 header from 203.0.113.7:4711 whose SSL TLV says the client used TLS.
let proxyV2TLS = try! ProxyHeader(
    addresses: .inet(
        source: IPAddress("203.0.113.7")!,
        sourcePort: 4711,
        destination: .loopbackV4,
        destinationPort: 80
    ),
    tlvs: [.init(ssl: .ssl, verify: 0, subTLVs: [])]
).encoded()

/// A PROXY v2 header (command PROXY) without addresses but with an SSL TLV: the server keeps the
/// socket's peer and its scheme.
let proxyV2UnspecifiedTLS = try! ProxyHeader(
    transport: .unspecified,
    addresses: .unspecified,
    tlvs: [.init(ssl: .ssl, verify: 0, subTLVs: [])]
).encoded()

@Suite("greenroom explain")
struct ExplainRequestTests {
    static let cases: [ExplainCase] = [
        ExplainCase(
            name: "README: a CDN in front of nginx, both trusted",
            peer: "10.0.0.3",
            trust: ["10.0.0.0/8", "203.0.113.0/24"],
            headers: ["X-Forwarded-For: 1.2.3.4, 198.51.100.1, 203.0.113.9", "X-Forwarded-Proto: https"],
            narrative: """
                peer 10.0.0.3 trusted (10.0.0.0/8) → hop 203.0.113.9 trusted (203.0.113.0/24) → \
                hop 198.51.100.1 untrusted → client 198.51.100.1 via x-forwarded-for
                scheme https
                """,
            json: plainJSON(
                client: "198.51.100.1",
                peer: "10.0.0.3",
                scheme: "https",
                via: "x-forwarded-for",
                chain: ["10.0.0.3", "203.0.113.9"],
                decision: "untrusted-hop"
            )
        ),
        ExplainCase(
            name: "README: both families disagree, X-Forwarded-For decides",
            peer: "127.0.0.1",
            policy: .both,
            headers: ["X-Forwarded-For: 198.51.100.1", "Forwarded: for=1.2.3.4"],
            narrative: """
                peer 127.0.0.1 trusted (loopback) → Forwarded disagrees (named 1.2.3.4): X-Forwarded-For is \
                authoritative and decides → hop 198.51.100.1 untrusted → client 198.51.100.1 via x-forwarded-for
                scheme http
                """,
            json: plainJSON(
                client: "198.51.100.1",
                peer: "127.0.0.1",
                via: "x-forwarded-for",
                chain: ["127.0.0.1"],
                decision: "headers-disagree",
                extra: ",\"disagreement\":{\"decided_by\":\"x-forwarded-for\",\"overruled\":\"forwarded\","
                    + "\"overruled_client\":\"1.2.3.4\",\"walk_decision\":\"untrusted-hop\"}"
            )
        ),
        ExplainCase(
            name: "both families disagree, Forwarded authoritative decides",
            peer: "127.0.0.1",
            policy: .both,
            authoritative: .forwarded,
            headers: ["X-Forwarded-For: 198.51.100.1", "Forwarded: for=1.2.3.4"],
            narrative: """
                peer 127.0.0.1 trusted (loopback) → X-Forwarded-For disagrees (named 198.51.100.1): Forwarded is \
                authoritative and decides → hop 1.2.3.4 untrusted → client 1.2.3.4 via forwarded
                scheme http
                """,
            json: plainJSON(
                client: "1.2.3.4",
                peer: "127.0.0.1",
                via: "forwarded",
                chain: ["127.0.0.1"],
                decision: "headers-disagree",
                extra: ",\"disagreement\":{\"decided_by\":\"forwarded\",\"overruled\":\"x-forwarded-for\","
                    + "\"overruled_client\":\"198.51.100.1\",\"walk_decision\":\"untrusted-hop\"}"
            )
        ),
        ExplainCase(
            name: "both families agree: the scheme comes from the authoritative family only",
            peer: "127.0.0.1",
            policy: .both,
            headers: ["X-Forwarded-For: 203.0.113.7", "Forwarded: for=203.0.113.7;proto=https"],
            narrative: """
                peer 127.0.0.1 trusted (loopback) → hop 203.0.113.7 untrusted → client 203.0.113.7 via x-forwarded-for
                scheme http
                """,
            json: plainJSON(
                client: "203.0.113.7",
                peer: "127.0.0.1",
                via: "x-forwarded-for",
                chain: ["127.0.0.1"],
                decision: "untrusted-hop"
            )
        ),
        ExplainCase(
            name: "an untrusted peer's forwarding headers are ignored",
            peer: "198.51.100.7:50000",
            headers: ["X-Forwarded-For: 1.2.3.4", "X-Forwarded-Proto: https"],
            narrative: """
                peer 198.51.100.7 untrusted (trusted: loopback) → forwarding headers ignored → \
                client 198.51.100.7:50000 via peer
                scheme http
                """,
            json: plainJSON(
                client: "198.51.100.7",
                port: "50000",
                peer: "198.51.100.7",
                via: "peer",
                chain: ["198.51.100.7"],
                decision: "peer-untrusted"
            )
        ),
        ExplainCase(
            name: "--trust none trusts even loopback no more",
            peer: "127.0.0.1",
            trust: ["none"],
            headers: ["X-Forwarded-For: 1.2.3.4"],
            narrative: """
                peer 127.0.0.1 untrusted (trusted: nobody) → forwarding headers ignored → client 127.0.0.1 via peer
                scheme http
                """,
            json: plainJSON(
                client: "127.0.0.1",
                peer: "127.0.0.1",
                via: "peer",
                chain: ["127.0.0.1"],
                decision: "peer-untrusted"
            )
        ),
        ExplainCase(
            name: "a trusted peer without forwarding headers is the client",
            peer: "127.0.0.1:4711",
            narrative: """
                peer 127.0.0.1 trusted (loopback) → no forwarding headers → client 127.0.0.1:4711 via peer
                scheme http
                """,
            json: plainJSON(
                client: "127.0.0.1",
                port: "4711",
                peer: "127.0.0.1",
                via: "peer",
                chain: ["127.0.0.1"],
                decision: "no-forwarding-headers"
            )
        ),
        ExplainCase(
            name: "hops mode counts hops it does not trust",
            peer: "127.0.0.1",
            hops: 2,
            headers: ["X-Forwarded-For: 198.51.100.1, 203.0.113.9"],
            narrative: """
                peer 127.0.0.1 trusted (loopback) → hop 203.0.113.9 counted (hops mode) → \
                hop 198.51.100.1 is hop 2 from the right (hops mode) → client 198.51.100.1 via x-forwarded-for
                scheme http
                """,
            json: plainJSON(
                client: "198.51.100.1",
                peer: "127.0.0.1",
                via: "x-forwarded-for",
                chain: ["127.0.0.1", "203.0.113.9"],
                decision: "fixed-hop-count"
            )
        ),
        ExplainCase(
            name: "host, port and prefix from the trusted hop",
            peer: "127.0.0.1",
            headers: [
                "X-Forwarded-For: 203.0.113.7", "X-Forwarded-Proto: https", "X-Forwarded-Host: example.com",
                "X-Forwarded-Port: 8443", "X-Forwarded-Prefix: /app",
            ],
            narrative: """
                peer 127.0.0.1 trusted (loopback) → hop 203.0.113.7 untrusted → client 203.0.113.7 via x-forwarded-for
                scheme https, host example.com, port 8443, prefix /app
                """,
            json: "{\"client\":\"203.0.113.7\",\"client_port\":null,\"peer\":\"127.0.0.1\",\"scheme\":\"https\","
                + "\"host\":\"example.com\",\"port\":8443,\"prefix\":\"/app\",\"via\":\"x-forwarded-for\","
                + "\"chain\":[\"127.0.0.1\"],\"decision\":\"untrusted-hop\"}"
        ),
        ExplainCase(
            name: "help: Forwarded with an IPv6 client and proto",
            peer: "127.0.0.1",
            policy: .forwarded,
            headers: ["Forwarded: for=\"[2001:db8::1]:4711\";proto=https"],
            narrative: """
                peer 127.0.0.1 trusted (loopback) → hop 2001:db8::1 untrusted → client [2001:db8::1]:4711 via forwarded
                scheme https
                """,
            json: plainJSON(
                client: "2001:db8::1",
                port: "4711",
                peer: "127.0.0.1",
                scheme: "https",
                via: "forwarded",
                chain: ["127.0.0.1"],
                decision: "untrusted-hop"
            )
        ),
        ExplainCase(
            name: "a unix-socket peer trusted with 'unix'",
            peer: "unix",
            trust: ["unix"],
            headers: ["X-Forwarded-For: 203.0.113.7"],
            narrative: """
                peer unix trusted (unix) → hop 203.0.113.7 untrusted → client 203.0.113.7 via x-forwarded-for
                scheme http
                """,
            json: plainJSON(
                client: "203.0.113.7",
                peer: "unix",
                via: "x-forwarded-for",
                chain: ["unix"],
                decision: "untrusted-hop"
            )
        ),
        ExplainCase(
            name: "PROXY v1 from a trusted peer: its source is the peer, bytes after it are the request",
            peer: "127.0.0.1:50000",
            headers: ["X-Forwarded-For: 1.2.3.4"],
            proxyHex: hexString(Array((proxyV1Line + "GET / HTTP/1.1\r\n").utf8)),
            narrative: """
                PROXY v1 from trusted 127.0.0.1:50000: source 203.0.113.7:4711 (16 bytes after it belong to the \
                HTTP request) → peer 203.0.113.7 untrusted (trusted: loopback) → forwarding headers ignored → \
                client 203.0.113.7:4711 via proxy-protocol
                scheme http
                """,
            json: plainJSON(
                client: "203.0.113.7",
                port: "4711",
                peer: "203.0.113.7",
                via: "proxy-protocol",
                chain: ["203.0.113.7"],
                decision: "peer-untrusted"
            )
        ),
        ExplainCase(
            name: "PROXY v2 whose SSL TLV says the client used TLS",
            peer: "127.0.0.1",
            proxyHex: hexString(proxyV2TLS),
            narrative: """
                PROXY v2 from trusted 127.0.0.1: source 203.0.113.7:4711, client used TLS → peer 203.0.113.7 \
                untrusted (trusted: loopback) → forwarding headers ignored → client 203.0.113.7:4711 via proxy-protocol
                scheme https
                """,
            json: plainJSON(
                client: "203.0.113.7",
                port: "4711",
                peer: "203.0.113.7",
                scheme: "https",
                via: "proxy-protocol",
                chain: ["203.0.113.7"],
                decision: "peer-untrusted"
            )
        ),
        ExplainCase(
            name: "PROXY v2 without addresses keeps the socket's peer and scheme, as the server does",
            peer: "127.0.0.1",
            proxyHex: hexString(proxyV2UnspecifiedTLS),
            narrative: """
                PROXY v2 without addresses, socket peer kept → peer 127.0.0.1 trusted (loopback) → \
                no forwarding headers → client 127.0.0.1 via peer
                scheme http
                """,
            json: plainJSON(
                client: "127.0.0.1",
                peer: "127.0.0.1",
                via: "peer",
                chain: ["127.0.0.1"],
                decision: "no-forwarding-headers"
            )
        ),
        ExplainCase(
            name: "PROXY v2 LOCAL (a health check), hex with 0x and colons",
            peer: "127.0.0.1",
            headers: ["X-Forwarded-For: 203.0.113.7"],
            proxyHex: "0x0D:0A:0D:0A:00:0D:0A:51:55:49:54:0A:20:00:00:00",
            narrative: """
                PROXY v2 LOCAL, socket peer kept → peer 127.0.0.1 trusted (loopback) → hop 203.0.113.7 untrusted → \
                client 203.0.113.7 via x-forwarded-for
                scheme http
                """,
            json: plainJSON(
                client: "203.0.113.7",
                peer: "127.0.0.1",
                via: "x-forwarded-for",
                chain: ["127.0.0.1"],
                decision: "untrusted-hop"
            )
        ),
    ]

    @Test("prints the exact narrative", arguments: cases)
    func narrative(_ row: ExplainCase) throws {
        let result = try row.explain()
        #expect(result.narrative == row.narrative)
        #expect(result.output(json: false) == row.narrative)
    }

    @Test("prints the exact JSON", arguments: cases)
    func json(_ row: ExplainCase) throws {
        let result = try row.explain()
        #expect(result.json == row.json)
        #expect(result.output(json: true) == row.json)
    }

    /// Bad input → the flag it names and the whole message.
    static let refusals: [(peer: String, headers: [String], proxyHex: String?, flag: String, message: String)] = [
        (
            "nope", [], nil, "--peer",
            "--peer: 'nope' is not a peer address (expected 192.0.2.1, 192.0.2.1:4711, [2001:db8::1]:4711 or unix)"
        ),
        ("fe80::1%eth0", [], nil, "--peer", "--peer: 'fe80::1%eth0': IPv6 zone ids (%...) are not allowed"),
        (
            "127.0.0.1", ["X-Forwarded-For 1.2.3.4"], nil, "--header",
            "--header 'X-Forwarded-For 1.2.3.4': expected 'Name: value'"
        ),
        ("127.0.0.1", [": 1.2.3.4"], nil, "--header", "--header ': 1.2.3.4': '' is not a valid header name"),
        (
            "127.0.0.1", ["X Forwarded: 1"], nil, "--header",
            "--header 'X Forwarded: 1': 'X Forwarded' is not a valid header name"
        ),
        (
            "127.0.0.1", ["X-Forwarded-For: 1.2.3.4\r\nX-Admin: 1"], nil, "--header",
            "--header 'X-Forwarded-For': the value contains a control character (CR, LF, NUL, ESC, DEL, ...)"
        ),
        ("127.0.0.1", [], "0d0a0", "--proxy-hex", "--proxy-hex: expected an even number of hex digits"),
        ("127.0.0.1", [], "0x", "--proxy-hex", "--proxy-hex: expected an even number of hex digits"),
        ("127.0.0.1", [], "zz0a", "--proxy-hex", "--proxy-hex: 'zz0a' is not hexadecimal"),
        ("127.0.0.1", [], "é0", "--proxy-hex", "--proxy-hex: 'é0' is not hexadecimal"),
        (
            "127.0.0.1", [], hexString(Array("PROXY TCP4 ".utf8)), "--proxy-hex",
            "--proxy-hex: the header is incomplete (at least 21 more bytes needed)"
        ),
        (
            "198.51.100.7", [], hexString(Array(proxyV1Line.utf8)), "--proxy-hex",
            "--proxy-hex: the socket peer 198.51.100.7 is not trusted, so Greenroom would close the connection: "
                + "PROXY headers are only accepted from trusted proxies"
        ),
    ]

    @Test("bad input names the flag", arguments: refusals)
    func refuses(peer: String, headers: [String], proxyHex: String?, flag: String, message: String) throws {
        let error = #expect(throws: FlagError.self) {
            try ExplainRequest(peer: peer, trust: TrustSettings(), headers: headers, proxyHex: proxyHex)
        }
        #expect(error?.flag == flag)
        #expect(error?.message == message)
    }

    @Test("a malformed PROXY header is refused with the parser's reason")
    func malformedProxyHeader() throws {
        let error = #expect(throws: FlagError.self) {
            try ExplainRequest(
                peer: "127.0.0.1",
                trust: TrustSettings(),
                headers: [],
                proxyHex: hexString(Array("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n".utf8))
            )
        }
        #expect(error?.flag == "--proxy-hex")
        #expect(error?.message.hasPrefix("--proxy-hex: PROXY v1") == true, "\(String(describing: error))")
    }
}
