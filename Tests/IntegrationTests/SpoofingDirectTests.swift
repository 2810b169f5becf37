import Foundation
import Testing

/// Forgeries sent straight to the app's port with exact bytes: PROXY protocol headers from peers
/// that may not send them, and header injection (bare CR or LF, obs-fold, NUL, conflicting
/// framing). None may change the client `/whoami` reports. Controls show the same bytes *are*
/// believed from a trusted peer, so the rig can see a forgery succeed.
@Suite(.sharedFixtures) struct SpoofingDirectTests {
    typealias Row = RawForgery
    typealias App = RawForgery.Target

    static let request = "GET /whoami HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n"
    static let requestBytes = Array(request.utf8)

    // MARK: - PROXY protocol

    static let v1 = Array("PROXY TCP4 198.51.100.20 127.0.0.1 4711 80\r\n".utf8)
    static let v2 = ProxyV2Bytes.tcp4(source: [198, 51, 100, 21], destination: [127, 0, 0, 1])

    static let proxyRows: [(App, Row)] = [
        (.proxyRequiredFromAnotherAddress, Row("v1 from an untrusted peer", v1 + requestBytes, .closedWithoutResponse)),
        (.proxyRequiredFromAnotherAddress, Row("v2 from an untrusted peer", v2 + requestBytes, .closedWithoutResponse)),
        (
            .proxyRequiredFromAnotherAddress,
            Row("no header from an untrusted peer", requestBytes, .closedWithoutResponse)
        ),
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
                ProxyV2Bytes.tcp4(
                    source: [198, 51, 100, 24],
                    destination: [127, 0, 0, 1],
                    tlvs: [0x03, 0, 4, 1, 2, 3, 4]
                )
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
        (
            .proxyRequiredFromLoopback,
            Row("control: v1 from a trusted peer", v1 + requestBytes, .believed("198.51.100.20"))
        ),
        (
            .proxyRequiredFromLoopback,
            Row("control: v2 from a trusted peer", v2 + requestBytes, .believed("198.51.100.21"))
        ),
    ]

    @Test(arguments: proxyRows.map { ProxyCase(app: $0.0, row: $0.1) })
    func forgedProxyHeader(_ attack: ProxyCase) async throws {
        try await attack.row.send(to: attack.app)
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
        Row(
            "bare CR splits a header",
            injected("X-Forwarded-For: 127.0.0.9\rX-Forwarded-For: 198.51.100.40\r\n"),
            .badRequest
        ),
        Row(
            "bare LF splits a header",
            injected("X-Forwarded-For: 127.0.0.9\nX-Forwarded-For: 198.51.100.41\r\n"),
            .badRequest
        ),
        Row("CR LF CR splits a header", injected("X-Custom: a\r\n\rX-Forwarded-For: 198.51.100.42\r\n"), .badRequest),
        Row("obs-fold with a space", injected("X-Forwarded-For: 127.0.0.9,\r\n 198.51.100.43\r\n"), .badRequest),
        Row("obs-fold with a tab", injected("X-Forwarded-For: 127.0.0.9,\r\n\t198.51.100.44\r\n"), .badRequest),
        Row("obs-fold hiding a header", injected("X-Custom: a\r\n X-Forwarded-For: 198.51.100.45\r\n"), .badRequest),
        Row("NUL in the value", injected("X-Forwarded-For: 198.51.100.46\u{0}\r\n"), .badRequest),
        Row(
            "NUL before a smuggled header",
            injected("X-Custom: a\u{0}X-Forwarded-For: 198.51.100.47\r\n"),
            .badRequest
        ),
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
            .badRequest
        ),
        Row(
            "HTTP/1.1 without Host",
            "GET /whoami HTTP/1.1\r\nX-Forwarded-For: 198.51.100.58\r\nConnection: close\r\n\r\n",
            .badRequest
        ),
        Row("a second Host, same value", injected("Host: app\r\nX-Forwarded-For: 198.51.100.59\r\n"), .badRequest),
        Row("a second Host, another value", injected("Host: evil\r\n"), .badRequest),
        Row(
            "a quote in Host",
            "GET /whoami HTTP/1.1\r\nHost: app\"x\r\nX-Forwarded-For: 198.51.100.61\r\nConnection: close\r\n\r\n",
            .badRequest
        ),
        Row(
            "a comma and semicolon in Host",
            "GET /whoami HTTP/1.1\r\nHost: a,b;for=198.51.100.62\r\nConnection: close\r\n\r\n",
            .badRequest
        ),
        Row(
            "userinfo in Host",
            "GET /whoami HTTP/1.1\r\nHost: 198.51.100.63@app\r\nConnection: close\r\n\r\n",
            .badRequest
        ),
        Row(
            "a transfer coding that is not chunked",
            injected("Transfer-Encoding: xchunked\r\n", method: "POST")
                + "0\r\n\r\nGET /whoami HTTP/1.1\r\nHost: app\r\nX-Forwarded-For: 198.51.100.64\r\n\r\n",
            .badRequest
        ),
        Row(
            "chunked before another coding",
            injected("Transfer-Encoding: chunked, gzip\r\n", method: "POST")
                + "0\r\n\r\nGET /whoami HTTP/1.1\r\nHost: app\r\nX-Forwarded-For: 198.51.100.65\r\n\r\n",
            .badRequest
        ),
        Row(
            "a coding we do not implement before chunked",
            injected("Transfer-Encoding: gzip, chunked\r\n", method: "POST")
                + "0\r\n\r\nGET /whoami HTTP/1.1\r\nHost: app\r\nX-Forwarded-For: 198.51.100.66\r\n\r\n",
            .status(501)
        ),
        Row(
            "a head over the header limit in small fields",
            injected(String(repeating: "A: b\r\n", count: 3000) + "X-Forwarded-For: 198.51.100.67\r\n"),
            .status(431)
        ),
    ]

    @Test(arguments: [App.trustsLoopback, .trustsAnotherAddress], injectionRows)
    func headerInjection(_ target: App, _ row: Row) async throws {
        try await row.send(to: target)
    }

    /// The rig can see a forgery succeed: the same well-formed header is believed from a trusted
    /// peer and ignored from anyone else.
    @Test(arguments: [
        (App.trustsLoopback, Row.Outcome.believed("198.51.100.60")), (.trustsAnotherAddress, .servedAsPeer),
    ])
    func wellFormedHeaderIsBelievedOnlyFromATrustedPeer(_ target: App, _ outcome: Row.Outcome) async throws {
        let row = Row(
            "control: a well-formed X-Forwarded-For",
            Self.injected("X-Forwarded-For: 198.51.100.60\r\n"),
            outcome
        )
        try await row.send(to: target)
    }
}
