import GreenroomCore
import NIOCore
import Testing

@testable import GreenroomServer

/// A client that stops sending its body holds its connection only until the body timeout
/// (or, once its response is out, the bounded drain of the rest); a handler that reads slowly
/// is not the client's fault.
@Suite struct BodyTimeoutTests {
    static func configuration() -> ServerConfiguration {
        var configuration = TestServer.configuration()
        // The drain after an early response is bounded by the header timeout: 2 s leaves a
        // loaded machine room, and still closes well within the tests' 5 s waits.
        configuration.headerTimeout = .seconds(2)
        configuration.idleTimeout = .seconds(4)
        return configuration
    }

    @Test func stalledBodyAfterAnEarlyResponseIsClosed() async throws {
        // The client: the built-in app answers 405 without reading the body; the client
        // sent 3 of its 1000 bytes and went silent.
        try await TestServer.with(Self.configuration()) { server in
            let client = try await server.connect()
            try await client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\nabc")
            #expect(try await client.readResponse()?.status == 405)
            #expect(await client.closesWithin(.seconds(5)), "the connection stays open after the response")
        }
    }

    @Test(arguments: [
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
    ])
    func clientThatStopsSendingTheBodyTheHandlerReadsGets408(_ request: String) async throws {
        var configuration = Self.configuration()
        configuration.headerTimeout = .seconds(10)
        configuration.bodyTimeout = .milliseconds(500)
        try await TestServer.with(configuration, handler: Handlers.echo) { server in
            let client = try await server.connect()
            try await client.send(request)
            let response = try #require(try await client.readResponse(timeout: .seconds(5)))
            #expect(response.status == 408)
            #expect(response.header("connection") == "close")
            #expect(await client.closesWithin(.seconds(3)))
            // Others are served meanwhile and after.
            #expect(try await server.request("GET / HTTP/1.1\r\nHost: t\r\n\r\n")?.status == 200)
        }
    }

    @Test func handlerReadingSlowlyIsNotTimedOut() async throws {
        // 4 MiB sent at once: more than the connection's task buffers, so reading pauses while
        // the handler sits on its first part for several body timeouts. The margins are wide (a
        // 1 s timeout, a 3 s pause) so that a loaded machine, which may starve the client for a
        // moment while the server asks to read, does not fail the test for the wrong reason.
        var configuration = Self.configuration()
        configuration.bodyTimeout = .seconds(1)
        configuration.maxBodyBytes = 8 << 20
        let slowReader = ClosureHandler { request in
            var total = 0
            var first = true
            for try await part in request.body {
                total += part.readableBytes
                if first { try await Task.sleep(for: .seconds(3)) }
                first = false
            }
            return .text("\(total)")
        }
        try await TestServer.with(configuration, handler: slowReader) { server in
            let client = try await server.connect()
            let length = 4 << 20
            let start = ContinuousClock.now
            try await client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: \(length)\r\n\r\n")
            // Not waited for: the server reads it as slowly as its handler does.
            client.channel.writeAndFlush(ByteBuffer(repeating: 0x61, count: length), promise: nil)
            let response = try #require(try await client.readResponse(timeout: .seconds(60)))
            #expect(response.status == 200)
            #expect(response.body == "\(length)")
            #expect(ContinuousClock.now - start > .seconds(2), "the handler was meant to be slower than the timeout")
            await client.close()
        }
    }

    @Test func bodyFinishedAfterAnEarlyResponseKeepsTheConnection() async throws {
        try await TestServer.with(Self.configuration()) { server in
            let client = try await server.connect()
            try await client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\n\r\nabc")
            #expect(try await client.readResponse()?.status == 405)
            try await client.send("defGET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.status == 200)
            await client.close()
        }
    }

    @Test func bodyAboveTheDrainBudgetAfterAnEarlyResponseClosesTheConnection() async throws {
        var configuration = Self.configuration()
        configuration.maxBodyBytes = 1 << 20
        try await TestServer.with(configuration) { server in
            let client = try await server.connect()
            try await client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: \(1 << 20)\r\n\r\n")
            #expect(try await client.readResponse()?.status == 405)
            // The client keeps sending quickly, but 1 MiB is more than is drained.
            for _ in 0..<16 where !client.isClosed {
                try? await client.send([UInt8](repeating: 0x61, count: 64 * 1024))
            }
            #expect(await client.closesWithin(.seconds(3)))
        }
    }
}
