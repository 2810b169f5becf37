import Foundation
import Testing

/// Forgeries sent straight to the app's port with exact bytes: PROXY protocol headers from peers
/// that may not send them, and header injection (bare CR or LF, obs-fold, NUL, conflicting
/// framing). None may change the client `/whoami` reports. Controls show the same bytes *are*
/// believed from a trusted peer, so the rig can see a forgery succeed.
@Suite(.sharedFixtures) struct SpoofingDirectTests {
    /// The servers under attack, each started once for the suite.
    enum App: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// Behind a local proxy (the default): trusts loopback, no PROXY protocol.
        case trustsLoopback = "trusts loopback"
        /// Trusts only a balancer elsewhere; the test client on 127.0.0.1 is nobody.
        case trustsAnotherAddress = "trusts 10.213.0.9"
        case proxyRequiredFromAnotherAddress = "PROXY required from 10.213.0.9"
        case proxyOptionalFromAnotherAddress = "PROXY optional from 10.213.0.9"
        case proxyRequiredFromLoopback = "PROXY required from loopback"

        var testDescription: String { rawValue }

        var flags: [String] {
            switch self {
            case .trustsLoopback: []
            case .trustsAnotherAddress: ["--trust", "10.213.0.9"]
            case .proxyRequiredFromAnotherAddress: ["--trust", "10.213.0.9", "--proxy-protocol", "required"]
            case .proxyOptionalFromAnotherAddress: ["--trust", "10.213.0.9", "--proxy-protocol", "optional"]
            case .proxyRequiredFromLoopback: ["--proxy-protocol", "required"]
            }
        }

        func running() async throws -> ServeFixture { try await ServeFixture.shared(rawValue, flags: flags) }
    }

    /// What the server must do with a row's bytes.
    enum Outcome: Sendable, CustomStringConvertible {
        /// Close (or reset) the connection without a byte of response.
        case closedWithoutResponse
        /// Answer 400 Bad Request.
        case badRequest
        /// Answer with an error status (4xx/5xx) or close without a response; never serve it.
        case refused
        /// Serve it, reporting the socket peer as the client.
        case servedAsPeer
        /// Serve it, believing this client address (controls from a trusted peer).
        case believed(String)

        var description: String {
            switch self {
            case .closedWithoutResponse: "closed without a response"
            case .badRequest: "400"
            case .refused: "an error status or a close"
            case .servedAsPeer: "200 with client 127.0.0.1"
            case .believed(let client): "200 with client \(client)"
            }
        }
    }

    /// One attack: bytes, the server they go to, and what must happen.
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let outcome: Outcome
        var testDescription: String { name }

        init(_ name: String, _ bytes: [UInt8], _ outcome: Outcome) {
            self.name = name
            self.bytes = bytes
            self.outcome = outcome
        }

        init(_ name: String, _ text: String, _ outcome: Outcome) {
            self.init(name, Array(text.utf8), outcome)
        }
    }

    static let request = "GET /whoami HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n"
    static let requestBytes = Array(request.utf8)

    /// Every address a row forges starts with this (documentation range, RFC 5737).
    static let forgedPrefix = "198.51.100."

    // MARK: - PROXY protocol

    static let v1 = Array("PROXY TCP4 198.51.100.20 127.0.0.1 4711 80\r\n".utf8)
    static let v2 = ProxyV2Bytes.tcp4(source: [198, 51, 100, 21], destination: [127, 0, 0, 1])

    static let proxyRows: [(App, Row)] = [
        (.proxyRequiredFromAnotherAddress, Row("v1 from an untrusted peer", v1 + requestBytes, .closedWithoutResponse)),
        (.proxyRequiredFromAnotherAddress, Row("v2 from an untrusted peer", v2 + requestBytes, .closedWithoutResponse)),
        (.proxyRequiredFromAnotherAddress, Row("no header from an untrusted peer", requestBytes, .closedWithoutResponse)),
        (.proxyOptionalFromAnotherAddress, Row("v1 from an untrusted peer", v1 + requestBytes, .closedWithoutResponse)),
        (.proxyOptionalFromAnotherAddress, Row("v2 from an untrusted peer", v2 + requestBytes, .closedWithoutResponse)),
        (
            .proxyOptionalFromAnotherAddress,
            Row("v2 LOCAL from an untrusted peer", ProxyV2Bytes.local + requestBytes, .closedWithoutResponse)
        ),
        (.proxyOptionalFromAnotherAddress, Row("no header from an untrusted peer", requestBytes, .servedAsPeer)),
        (.trustsLoopback, Row("v1 with PROXY off, trusted peer", v1 + requestBytes, .refused)),
        (.trustsLoopback, Row("v2 with PROXY off, trusted peer", v2 + requestBytes, .refused)),
        (.trustsAnotherAddress, Row("v1 with PROXY off, untrusted peer", v1 + requestBytes, .refused)),
        (.trustsAnotherAddress, Row("v2 with PROXY off, untrusted peer", v2 + requestBytes, .refused)),
        (
            .proxyRequiredFromLoopback,
            Row(
                "malformed v1 from a trusted peer",
                Array("PROXY TCP4 198.51.100.22 127.0.0.1 99999 80\r\n".utf8) + requestBytes,
                .closedWithoutResponse
            )
        ),
        (
            .proxyRequiredFromLoopback,
            Row(
                "v1 longer than 107 bytes",
                Array("PROXY TCP4 198.51.100.23 127.0.0.1 4711 80\(String(repeating: " ", count: 80))\r\n".utf8)
                    + requestBytes,
                .closedWithoutResponse
            )
        ),
        (
            .proxyRequiredFromLoopback,
            Row(
                "v2 with a wrong CRC32c",
                ProxyV2Bytes.tcp4(source: [198, 51, 100, 24], destination: [127, 0, 0, 1], tlvs: [0x03, 0, 4, 1, 2, 3, 4])
                    + requestBytes,
                .closedWithoutResponse
            )
        ),
        (
            .proxyRequiredFromLoopback,
            Row(
                "a second header on a kept-alive connection",
                v1 + Array("GET /whoami HTTP/1.1\r\nHost: app\r\n\r\nPROXY TCP4 198.51.100.25 127.0.0.1 1 2\r\n".utf8)
                    + requestBytes,
                .believed("198.51.100.20")
            )
        ),
        (.proxyRequiredFromLoopback, Row("control: v1 from a trusted peer", v1 + requestBytes, .believed("198.51.100.20"))),
        (.proxyRequiredFromLoopback, Row("control: v2 from a trusted peer", v2 + requestBytes, .believed("198.51.100.21"))),
    ]

    @Test(arguments: proxyRows.map { ProxyCase(app: $0.0, row: $0.1) })
    func forgedProxyHeader(_ attack: ProxyCase) async throws {
        let app = try await attack.app.running()
        let reply = try await RawConnection.exchange(port: app.port, attack.row.bytes)
        try Self.check(reply, attack.row, "\(attack.app.rawValue), \(attack.row.name)", app)
    }

    /// A row and the server it goes to, named for the test report.
    struct ProxyCase: Sendable, CustomTestStringConvertible {
        let app: App
        let row: Row
        var testDescription: String { "\(row.name) (\(app.rawValue))" }
    }

    // MARK: - Header injection

    static func injected(_ lines: String, method: String = "GET") -> String {
        "\(method) /whoami HTTP/1.1\r\nHost: app\r\n\(lines)Connection: close\r\n\r\n"
    }

    static let injectionRows: [Row] = [
        Row("bare CR splits a header", injected("X-Forwarded-For: 127.0.0.9\rX-Forwarded-For: 198.51.100.40\r\n"), .badRequest),
        Row("bare LF splits a header", injected("X-Forwarded-For: 127.0.0.9\nX-Forwarded-For: 198.51.100.41\r\n"), .badRequest),
        Row("CR LF CR splits a header", injected("X-Custom: a\r\n\rX-Forwarded-For: 198.51.100.42\r\n"), .badRequest),
        Row("obs-fold with a space", injected("X-Forwarded-For: 127.0.0.9,\r\n 198.51.100.43\r\n"), .badRequest),
        Row("obs-fold with a tab", injected("X-Forwarded-For: 127.0.0.9,\r\n\t198.51.100.44\r\n"), .badRequest),
        Row("obs-fold hiding a header", injected("X-Custom: a\r\n X-Forwarded-For: 198.51.100.45\r\n"), .badRequest),
        Row("NUL in the value", injected("X-Forwarded-For: 198.51.100.46\u{0}\r\n"), .badRequest),
        Row("NUL before a smuggled header", injected("X-Custom: a\u{0}X-Forwarded-For: 198.51.100.47\r\n"), .badRequest),
        Row("NUL in the name", injected("X-Forwarded\u{0}-For: 198.51.100.48\r\n"), .badRequest),
        Row("space before the colon", injected("X-Forwarded-For : 198.51.100.49\r\n"), .badRequest),
        Row("tab before the colon", injected("X-Forwarded-For\t: 198.51.100.50\r\n"), .badRequest),
        Row("header line without a colon", injected("X-Forwarded-For 198.51.100.51\r\n"), .badRequest),
        Row("vertical tab in the value", injected("X-Forwarded-For: 127.0.0.9\u{0B}198.51.100.52\r\n"), .badRequest),
        Row("DEL in the name", injected("X-Forwarded-For\u{7F}: 198.51.100.53\r\n"), .badRequest),
        Row(
            "CR LF inside the request target",
            "GET /whoami\r\nX-Forwarded-For: 198.51.100.54 HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n",
            .refused  // a request line without a version is HTTP/0.9: 505
        ),
        Row(
            "Content-Length and Transfer-Encoding smuggle a request",
            injected("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", method: "POST")
                + "0\r\n\r\nGET /whoami HTTP/1.1\r\nHost: app\r\nX-Forwarded-For: 198.51.100.55\r\n\r\n",
            .badRequest
        ),
        Row(
            "two Content-Lengths smuggle a request",
            injected("Content-Length: 0\r\nContent-Length: 62\r\n", method: "POST")
                + "GET /whoami HTTP/1.1\r\nHost: app\r\nX-Forwarded-For: 198.51.100.56\r\n\r\n",
            .badRequest
        ),
        Row(
            "bare LF line endings throughout",
            "GET /whoami HTTP/1.1\nHost: app\nX-Forwarded-For: 198.51.100.57\nConnection: close\n\n",
            .refused  // the parser stops at the version, which must end with CR LF: 505
        ),
    ]

    @Test(arguments: [App.trustsLoopback, .trustsAnotherAddress], injectionRows)
    func headerInjection(_ target: App, _ row: Row) async throws {
        let app = try await target.running()
        let reply = try await RawConnection.exchange(port: app.port, row.bytes)
        try Self.check(reply, row, "\(target.rawValue), \(row.name)", app)
    }

    /// The rig can see a forgery succeed: the same well-formed header is believed from a trusted
    /// peer and ignored from anyone else.
    @Test(arguments: [(App.trustsLoopback, Outcome.believed("198.51.100.60")), (.trustsAnotherAddress, .servedAsPeer)])
    func wellFormedHeaderIsBelievedOnlyFromATrustedPeer(_ target: App, _ outcome: Outcome) async throws {
        let app = try await target.running()
        let row = Row("control: a well-formed X-Forwarded-For", Self.injected("X-Forwarded-For: 198.51.100.60\r\n"), outcome)
        let reply = try await RawConnection.exchange(port: app.port, row.bytes)
        try Self.check(reply, row, "\(target.rawValue), \(row.name)", app)
    }

    // MARK: - Checking

    static func check(
        _ reply: RawConnection.Reply,
        _ row: Row,
        _ context: String,
        _ app: ServeFixture,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let message = "\(context): expected \(row.outcome), got \(reply)"
        #expect(reply.ending != .timedOut, "the server neither answered nor closed: \(message)", sourceLocation: sourceLocation)
        let text = String(decoding: reply.bytes, as: UTF8.self)
        let believed: String?
        if case .believed(let client) = row.outcome { believed = client } else { believed = nil }
        // Whatever else happens, no forged address the row did not expect to be believed comes back.
        for line in text.split(separator: "\"client\":").dropFirst() {
            let client = line.split(separator: "\"").first.map(String.init) ?? ""
            #expect(!client.hasPrefix(forgedPrefix) || client == believed, "believed a forgery: \(message)", sourceLocation: sourceLocation)
        }
        switch row.outcome {
        case .closedWithoutResponse:
            #expect(reply.closedWithoutResponse, "\(message)", sourceLocation: sourceLocation)
        case .badRequest:
            #expect(reply.status == 400, "\(message)", sourceLocation: sourceLocation)
            #expect(!text.contains("\"client\""), "\(message)", sourceLocation: sourceLocation)
        case .refused:
            let refused = reply.closedWithoutResponse || (reply.status.map { $0 >= 400 } ?? false)
            #expect(refused, "\(message)", sourceLocation: sourceLocation)
            #expect(!text.contains("\"client\""), "\(message)", sourceLocation: sourceLocation)
        case .servedAsPeer, .believed:
            let response = try #require(reply.response, "\(message)\n\(app.server.output)", sourceLocation: sourceLocation)
            #expect(response.status == 200, "\(message)", sourceLocation: sourceLocation)
            let expected = believed ?? "127.0.0.1"
            #expect(try response.jsonString("client") == expected, "\(message)", sourceLocation: sourceLocation)
        }
    }
}
