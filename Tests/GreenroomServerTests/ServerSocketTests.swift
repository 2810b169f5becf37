import GreenroomCore
import NIOCore
import Testing

@testable import GreenroomServer

/// A real listening server on 127.0.0.1, ::1 and a unix socket, driven with raw bytes.
@Suite struct ServerSocketTests {
    @Test(arguments: Transport.allCases)
    func keepAliveServesSeveralRequestsOnOneConnection(_ transport: Transport) async throws {
        try await TestServer.with(transport.configuration()) { server in
            let client = try await server.connect()
            for path in ["/", "/healthz", "/"] {
                try await client.send("GET \(path) HTTP/1.1\r\nHost: test\r\n\r\n")
                let response = try #require(try await client.readResponse())
                #expect(response.status == 200)
                #expect(response.header("connection") == nil)
                #expect(response.header("date")?.hasSuffix(" GMT") == true)
                #expect(response.header("server") == "greenroom")
            }
            #expect(!client.isClosed)
            await client.close()
        }
    }

    @Test(arguments: Transport.allCases)
    func pipelinedRequestsAreAnsweredInOrder(_ transport: Transport) async throws {
        try await TestServer.with(transport.configuration(), handler: Handlers.echo) { server in
            let client = try await server.connect()
            var batch = ""
            for index in 0..<10 {
                batch += "POST /r\(index) HTTP/1.1\r\nHost: t\r\nContent-Length: \(String(index).count)\r\n\r\n\(index)"
            }
            try await client.send(batch)
            for index in 0..<10 {
                let response = try #require(try await client.readResponse())
                #expect(response.header("x-path") == "/r\(index)")
                #expect(response.body == "\(index)")
            }
            await client.close()
        }
    }

    @Test(arguments: Transport.allCases)
    func headerFieldsAboveTheLimitGet431(_ transport: Transport) async throws {
        var configuration = transport.configuration()
        configuration.maxHeaderBytes = 1024
        try await TestServer.with(configuration) { server in
            let client = try await server.connect()
            try await client.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "a", count: 2000))\r\n\r\n")
            let response = try #require(try await client.readResponse())
            #expect(response.status == 431)
            #expect(response.header("connection") == "close")
            #expect(await client.closesWithin(.seconds(2)))
        }
    }

    @Test(arguments: Transport.allCases)
    func declaredBodyAboveTheLimitGets413WithoutReadingIt(_ transport: Transport) async throws {
        var configuration = transport.configuration()
        configuration.maxBodyBytes = 100
        try await TestServer.with(configuration, handler: Handlers.echo) { server in
            let client = try await server.connect()
            try await client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n")
            let response = try #require(try await client.readResponse())
            #expect(response.status == 413)
            #expect(await client.closesWithin(.seconds(2)))
        }
    }

    @Test func chunkedBodyAboveTheLimitGets413() async throws {
        var configuration = TestServer.configuration()
        configuration.maxBodyBytes = 100
        try await TestServer.with(configuration, handler: Handlers.echo) { server in
            let client = try await server.connect()
            try await client.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            for _ in 0..<3 { try await client.send("40\r\n\(String(repeating: "x", count: 64))\r\n") }
            let response = try #require(try await client.readResponse())
            #expect(response.status == 413)
            #expect(await client.closesWithin(.seconds(2)))
        }
    }

    @Test(arguments: Transport.allCases)
    func slowlorisIsBoundedByTheHeaderTimeout(_ transport: Transport) async throws {
        var configuration = transport.configuration()
        configuration.headerTimeout = .seconds(1)
        try await TestServer.with(configuration) { server in
            let client = try await server.connect()
            let start = ContinuousClock.now
            try await client.send("GET / HTTP/1.1\r\n")
            // Keep dripping header bytes; the server must still give up at the header deadline.
            var response: TestResponse?
            for index in 0..<60 where !client.isClosed {
                try? await client.send("X-\(index): y\r\n")
                if let answer = try? await client.readResponse(timeout: .milliseconds(100)) {
                    response = answer
                    break
                }
            }
            let elapsed = ContinuousClock.now - start
            // 408, or a silent close if this client was starved before its first byte arrived.
            #expect(response?.status == 408 || (response == nil && client.isClosed), "\(String(describing: response))")
            #expect(elapsed < .seconds(4))
            #expect(await client.closesWithin(.seconds(3)))
        }
    }

    @Test func silentConnectionIsClosedWithoutAResponse() async throws {
        var configuration = TestServer.configuration()
        configuration.headerTimeout = .milliseconds(200)
        try await TestServer.with(configuration) { server in
            let client = try await server.connect()
            #expect(try await client.readToClose(timeout: .seconds(3)) == "")
        }
    }

    @Test func idleKeepAliveConnectionIsClosedSilently() async throws {
        var configuration = TestServer.configuration()
        configuration.idleTimeout = .milliseconds(300)
        try await TestServer.with(configuration) { server in
            let client = try await server.connect()
            try await client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.status == 200)
            #expect(try await client.readToClose(timeout: .seconds(3)) == "")
        }
    }

    @Test(arguments: [
        // Content-Length and Transfer-Encoding together (CL.TE / TE.CL smuggling).
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        // Two different Content-Length values.
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde",
        // Obsolete line folding.
        "GET / HTTP/1.1\r\nHost: t\r\nX-Folded: a\r\n b\r\n\r\n",
        // A space before the colon.
        "GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding : chunked\r\n\r\n",
        // A control byte in a header value.
        "GET / HTTP/1.1\r\nHost: t\r\nX-Bad: a\u{01}b\r\n\r\n",
        // A bare LF inside a header value.
        "GET / HTTP/1.1\r\nHost: t\r\nX-Bad: a\nb\r\n\r\n",
        // A Transfer-Encoding that is not chunked last.
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
        // A malformed chunk size.
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
        // A negative Content-Length.
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
    ])
    func smugglingAttemptsAreRejectedAndTheConnectionClosed(_ attack: String) async throws {
        try await TestServer.with(handler: Handlers.echo) { server in
            let client = try await server.connect()
            // A follow-up request that must never be served from the same bytes.
            try await client.send(attack + "GET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n")
            let everything = try await client.readToClose(timeout: .seconds(3))
            #expect(everything.hasPrefix("HTTP/1.1 400 "), "\(everything)")
            #expect(!everything.contains("x-path: /smuggled"))
            #expect(everything.components("HTTP/1.1 ") == 1)
        }
    }

    @Test func badInputFromOneClientDoesNotDisturbAnother() async throws {
        try await TestServer.with { server in
            let good = try await server.connect()
            try await good.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await good.readResponse()?.status == 200)
            let bad = try await server.connect()
            try await bad.send(String(repeating: "\u{00}\u{ff}garbage", count: 100))
            #expect(await bad.closesWithin(.seconds(2)))
            try await good.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await good.readResponse()?.body == "ok")
            await good.close()
        }
    }

    @Test func headResponseHasTheLengthButNoBody() async throws {
        try await TestServer.with { server in
            let client = try await server.connect()
            try await client.send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try #require(try await client.readResponse(toHead: true))
            #expect(head.status == 200)
            #expect(head.header("content-length") == "13")
            // The next bytes are the next response, not a body.
            let next = try #require(try await client.readResponse())
            #expect(next.body == "ok")
            await client.close()
        }
    }

    @Test func chunkedRequestBodyIsStreamedToTheHandler() async throws {
        try await TestServer.with(handler: Handlers.echo) { server in
            let client = try await server.connect()
            try await client.send("POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            try await client.send("6\r\n world\r\n0\r\n\r\n")
            let response = try #require(try await client.readResponse())
            #expect(response.body == "hello world")
            #expect(response.header("content-length") == "11")
            await client.close()
        }
    }

    @Test func streamedResponseOfUnknownLengthIsChunked() async throws {
        let handler = ClosureHandler { _ in
            Response(
                body: .stream { writer in
                    for word in ["one ", "two ", "three"] { try await writer.write(word) }
                }
            )
        }
        try await TestServer.with(handler: handler) { server in
            let client = try await server.connect()
            try await client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try #require(try await client.readResponse())
            #expect(response.header("transfer-encoding") == "chunked")
            #expect(response.body == "one two three")
            // HTTP/1.0 has no chunked encoding: the body ends with the connection.
            let old = try await server.connect()
            try await old.send("GET / HTTP/1.0\r\n\r\n")
            let everything = try await old.readToClose()
            #expect(everything.hasSuffix("\r\n\r\none two three"))
            #expect(!everything.lowercased().contains("transfer-encoding"))
            await client.close()
        }
    }

    @Test func expectContinueIsAnsweredWhenTheHandlerReads() async throws {
        try await TestServer.with(handler: Handlers.echo) { server in
            let client = try await server.connect()
            try await client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = try #require(try await client.readResponse())
            #expect(interim.status == 100)
            try await client.send("hello")
            let response = try #require(try await client.readResponse())
            #expect(response.status == 200)
            #expect(response.body == "hello")
            await client.close()
        }
    }

    @Test func expectContinueIsNotSentWhenTheHandlerAnswersWithoutReading() async throws {
        try await TestServer.with { server in
            let client = try await server.connect()
            try await client.send(
                "POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
            )
            let response = try #require(try await client.readResponse())
            #expect(response.status == 405)
            #expect(response.header("connection") == "close")
            #expect(await client.closesWithin(.seconds(2)))
        }
    }

    @Test func unknownExpectationGets417() async throws {
        try await TestServer.with(handler: Handlers.echo) { server in
            let response = try await server.request(
                "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nExpect: magic\r\n\r\n"
            )
            #expect(response?.status == 417)
        }
    }

    @Test func http10ClosesUnlessAskedToKeepAlive() async throws {
        try await TestServer.with { server in
            let closing = try await server.connect()
            try await closing.send("GET / HTTP/1.0\r\n\r\n")
            #expect(try await closing.readResponse()?.header("connection") == "close")
            #expect(await closing.closesWithin(.seconds(2)))

            let keeping = try await server.connect()
            try await keeping.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try await keeping.readResponse()?.header("connection") == "keep-alive")
            try await keeping.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try await keeping.readResponse()?.body == "ok")
            await keeping.close()
        }
    }

    @Test func unsupportedHTTPVersionIsRejected() async throws {
        try await TestServer.with { server in
            let client = try await server.connect()
            try await client.send("GET / HTTP/2.0\r\nHost: t\r\n\r\n")
            let everything = try await client.readToClose()
            #expect(everything.hasPrefix("HTTP/1.1 505 ") || everything.hasPrefix("HTTP/1.1 400 "), "\(everything)")
        }
    }

    @Test func clientConnectionCloseIsHonoured() async throws {
        try await TestServer.with { server in
            let client = try await server.connect()
            try await client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(try await client.readResponse()?.header("connection") == "close")
            #expect(await client.closesWithin(.seconds(2)))
        }
    }

    @Test func requestHalfClosedAfterSendingIsStillAnswered() async throws {
        try await TestServer.with { server in
            let client = try await server.connect()
            try await client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            try await client.shutdownOutput()
            let response = try await client.readResponse()
            #expect(response?.body == "ok", "\(server.logs.all.map { "\($0.message) \($0.metadata)" })")
        }
    }
}

extension String {
    /// How many times `needle` occurs.
    func components(_ needle: String) -> Int {
        var count = 0
        var rest = Substring(self)
        while let range = rest.firstRange(of: needle) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }
}
