import GreenroomCore
import NIOCore
import Testing

@testable import GreenroomServer

/// RFC 9112 conformance on a real socket: requests the server must refuse before any handler
/// runs (`Host` rules, transfer codings, bare LF line ends, the whole head against the header
/// limit), each answered with its status and `Connection: close`, then closed, while other
/// clients are served.
@Suite struct RequestConformanceTests {
    /// A request and the status it must get.
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let status: Int
        var testDescription: String { name }

        init(_ name: String, _ text: String, _ status: Int) {
            self.name = name
            self.bytes = Array(text.utf8)
            self.status = status
        }

        init(_ name: String, bytes: [UInt8], _ status: Int) {
            self.name = name
            self.bytes = bytes
            self.status = status
        }
    }

    static func post(_ lines: String) -> String {
        "POST / HTTP/1.1\r\nHost: t\r\n\(lines)\r\n"
    }

    static let refused: [Row] = [
        Row("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
        Row("two Host fields, same value", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400),
        Row("two Host fields, different values", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        Row("two Host fields on HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        Row("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        Row("Host with a quote", "GET / HTTP/1.1\r\nHost: a\"b\r\n\r\n", 400),
        Row("Host with a comma", "GET / HTTP/1.1\r\nHost: a,b\r\n\r\n", 400),
        Row("Host with a semicolon", "GET / HTTP/1.1\r\nHost: a;b\r\n\r\n", 400),
        Row("Host with a slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        Row("Host with userinfo", "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400),
        Row("Host with a backslash", "GET / HTTP/1.1\r\nHost: a\\b\r\n\r\n", 400),
        Row("Host with a percent-escape", "GET / HTTP/1.1\r\nHost: a%2fb\r\n\r\n", 400),
        Row("Host that is only a port", "GET / HTTP/1.1\r\nHost: :80\r\n\r\n", 400),
        Row("Host with a six-digit port", "GET / HTTP/1.1\r\nHost: a:123456\r\n\r\n", 400),
        Row("Host with a tab inside", "GET / HTTP/1.1\r\nHost: a\tb\r\n\r\n", 400),
        Row("Host with a non-digit port", "GET / HTTP/1.1\r\nHost: a:8o\r\n\r\n", 400),
        Row("Host with two ports", "GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n", 400),
        Row("Host with an unclosed IPv6 literal", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400),
        Row("Host with junk in an IPv6 literal", "GET / HTTP/1.1\r\nHost: [::1 x]\r\n\r\n", 400),
        Row("Host with junk after an IPv6 literal", "GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n", 400),
        Row(
            "Host with a non-ASCII byte",
            bytes: Array("GET / HTTP/1.1\r\nHost: a".utf8) + [0xC3, 0xA9] + Array("\r\n\r\n".utf8),
            400
        ),
        Row("transfer coding xchunked", post("Transfer-Encoding: xchunked\r\n") + "0\r\n\r\n", 400),
        Row(
            "chunked padded with NBSP",
            bytes: Array(post("").dropLast(2).utf8) + Array("Transfer-Encoding: chunked".utf8) + [0xC2, 0xA0]
                + Array("\r\n\r\n0\r\n\r\n".utf8),
            400
        ),
        Row("transfer coding gzip alone", post("Transfer-Encoding: gzip\r\n") + "0\r\n\r\n", 400),
        Row("chunked before gzip", post("Transfer-Encoding: chunked, gzip\r\n") + "0\r\n\r\n", 400),
        Row("chunked twice", post("Transfer-Encoding: chunked, chunked\r\n") + "0\r\n\r\n", 400),
        Row(
            "chunked split over two fields, gzip last",
            post("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n") + "0\r\n\r\n",
            400
        ),
        Row("gzip then chunked (unknown coding)", post("Transfer-Encoding: gzip, chunked\r\n") + "0\r\n\r\n", 501),
        Row(
            "Transfer-Encoding on HTTP/1.0",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400
        ),
        Row("bare LF line ends", "GET / HTTP/1.1\nHost: t\n\n", 400),
        Row("bare LF after the request line", "GET / HTTP/1.1\nHost: t\r\n\r\n", 400),
        Row("bare LF ending the head", "GET / HTTP/1.1\r\nHost: t\r\n\n", 400),
        Row(
            "30 KB of small headers over a 16 KB limit",
            "GET / HTTP/1.1\r\nHost: t\r\n" + String(repeating: "A: b\r\n", count: 5000) + "\r\n",
            431
        ),
        Row(
            "a head of 16 KB and one byte",
            "GET / HTTP/1.1\r\nHost: t\r\nX: " + String(repeating: "a", count: 16 * 1024 - 31) + "\r\n\r\n",
            431
        ),
        Row(
            "whitespace padding over a 16 KB limit",
            "GET / HTTP/1.1\r\nHost: t\r\nX-Pad:" + String(repeating: " ", count: 17000) + "v\r\n\r\n",
            431
        ),
    ]

    @Test(arguments: refused)
    func refusedBeforeAnyHandlerRuns(_ row: Row) async throws {
        let calls = Counter()
        let handler = ClosureHandler { _ in
            calls.increment()
            return .text("served\n")
        }
        var configuration = TestServer.configuration()
        configuration.maxHeaderBytes = 16 * 1024
        try await TestServer.with(configuration, handler: handler) { server in
            let client = try await server.connect()
            // A well-formed request after the bad one must never be served from the same bytes.
            try await client.send(row.bytes + Array("GET /after HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
            let response = try #require(try await client.readResponse(), "no response to \(row.name)")
            #expect(response.status == row.status, "\(row.name): \(response)")
            #expect(response.header("connection") == "close", "\(row.name)")
            #expect(await client.closesWithin(.seconds(3)), "\(row.name): the connection stays open")
            #expect(calls.count == 0, "\(row.name): the handler ran")
            // Other clients are still served.
            #expect(try await server.request("GET / HTTP/1.1\r\nHost: t\r\n\r\n")?.status == 200)
            #expect(calls.count == 1)
        }
    }

    static let accepted: [Row] = [
        Row("HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n", 200),
        Row("a name and a port", "GET / HTTP/1.1\r\nHost: app.example:8000\r\n\r\n", 200),
        Row("an IPv4 address", "GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n", 200),
        Row("an IPv6 literal with a port", "GET / HTTP/1.1\r\nHost: [::1]:8000\r\n\r\n", 200),
        Row("an IPv4-mapped IPv6 literal", "GET / HTTP/1.1\r\nHost: [::ffff:127.0.0.1]\r\n\r\n", 200),
        Row("underscore and tilde", "GET / HTTP/1.1\r\nHost: a_b~c\r\n\r\n", 200),
        Row("an empty Host (no authority)", "GET / HTTP/1.1\r\nHost:\r\n\r\n", 200),
        Row("Host with surrounding whitespace", "GET / HTTP/1.1\r\nHost:   t \r\n\r\n", 200),
        Row("Host in upper case", "GET / HTTP/1.1\r\nHOST: T\r\n\r\n", 200),
        Row("chunked in mixed case", post("Transfer-Encoding: Chunked\r\n") + "0\r\n\r\n", 200),
        Row("chunked with spaces around", post("Transfer-Encoding:  chunked \r\n") + "0\r\n\r\n", 200),
        Row("an empty list element before chunked", post("Transfer-Encoding: , chunked\r\n") + "0\r\n\r\n", 200),
        Row("one empty line before the request", "\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n", 200),
        Row(
            "a head of exactly 16 KB",
            "GET / HTTP/1.1\r\nHost: t\r\nX: " + String(repeating: "a", count: 16 * 1024 - 32) + "\r\n\r\n",
            200
        ),
    ]

    @Test(arguments: accepted)
    func acceptedAndServed(_ row: Row) async throws {
        let calls = Counter()
        let handler = ClosureHandler { request in
            calls.increment()
            for try await _ in request.body {}
            return .text("served\n")
        }
        var configuration = TestServer.configuration()
        configuration.maxHeaderBytes = 16 * 1024
        try await TestServer.with(configuration, handler: handler) { server in
            let client = try await server.connect()
            try await client.send(row.bytes)
            let response = try #require(try await client.readResponse(), "no response to \(row.name)")
            #expect(response.status == 200, "\(row.name): \(response)")
            #expect(response.body == "served\n")
            #expect(calls.count == 1)
            await client.close()
        }
    }

    /// RFC 9112 §3.2.2: with an absolute-form target the server ignores `Host` and takes the
    /// target's authority, which must be as valid as a `Host` value.
    @Test(arguments: [
        ("GET http://target.example/p HTTP/1.1\r\nHost: other.example\r\n\r\n", 200, "target.example"),
        ("GET HTTPS://target.example:8443/p?q HTTP/1.1\r\nHost: other\r\n\r\n", 200, "target.example:8443"),
        ("GET http://target.example HTTP/1.1\r\nHost: other\r\n\r\n", 200, "target.example"),
        ("GET http://user@target.example/ HTTP/1.1\r\nHost: other\r\n\r\n", 400, ""),
        ("GET http://a\"b/ HTTP/1.1\r\nHost: other\r\n\r\n", 400, ""),
    ])
    func absoluteFormTargetNamesTheHost(_ request: String, _ status: Int, _ host: String) async throws {
        let handler = ClosureHandler { request in
            .text(request.headers["host"].joined(separator: "|"))
        }
        try await TestServer.with(TestServer.configuration(), handler: handler) { server in
            let client = try await server.connect()
            try await client.send(request)
            let response = try #require(try await client.readResponse(), "no response to \(request)")
            #expect(response.status == status, "\(request): \(response)")
            if status == 200 { #expect(response.body == host, "\(request)") }
            await client.close()
        }
    }

    @Test func headLimitCountsEachPipelinedRequestOnItsOwn() async throws {
        // Five heads of ~4 KB each in one write: each is under the 16 KB limit on its own.
        var configuration = TestServer.configuration()
        configuration.maxHeaderBytes = 16 * 1024
        try await TestServer.with(configuration, handler: Handlers.echo) { server in
            let client = try await server.connect()
            let padding = String(repeating: "a", count: 4000)
            var batch = ""
            for index in 0..<5 {
                batch += "POST /\(index) HTTP/1.1\r\nHost: t\r\nX-Pad: \(padding)\r\nTransfer-Encoding: chunked\r\n\r\n"
                batch += "3\r\nabc\r\n0\r\nX-Trailer: \(padding)\r\n\r\n"
                batch += "POST /l\(index) HTTP/1.1\r\nHost: t\r\nX-Pad: \(padding)\r\nContent-Length: 2\r\n\r\nxy"
            }
            try await client.send(batch)
            for index in 0..<5 {
                let chunked = try #require(try await client.readResponse())
                #expect(chunked.status == 200 && chunked.header("x-path") == "/\(index)" && chunked.body == "abc")
                let fixed = try #require(try await client.readResponse())
                #expect(fixed.status == 200 && fixed.header("x-path") == "/l\(index)" && fixed.body == "xy")
            }
            await client.close()
        }
    }
}
