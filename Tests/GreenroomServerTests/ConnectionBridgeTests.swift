import NIOCore
import Testing

@testable import GreenroomServer

/// The bridge between a connection's pipeline and its task, through a real server: reads held at
/// the high watermark resume, writes that fill the socket wait and finish, and both work when the
/// task runs off the event loop.
@Suite struct ConnectionBridgeTests {
    /// Answers `GET /big?n=N` with N bytes: one buffer of `~`, or `^` streamed in 64 KiB pieces
    /// (`&stream`); neither character occurs in a response head.
    static let big = ClosureHandler { request in
        let query = request.query ?? ""
        let count = query.split(separator: "&").first { $0.hasPrefix("n=") }.flatMap { Int($0.dropFirst(2)) } ?? 0
        if query.contains("stream") {
            return Response(
                body: .stream(length: count) { writer in
                    var left = count
                    while left > 0 {
                        let piece = min(left, 65_536)
                        try await writer.write(ByteBuffer(repeating: UInt8(ascii: "^"), count: piece))
                        left -= piece
                    }
                }
            )
        }
        return Response(body: ResponseBody(bytes: ByteBuffer(repeating: UInt8(ascii: "~"), count: count)))
    }

    static func configuration(_ executor: ServerConfiguration.ConnectionExecutor) -> ServerConfiguration {
        var configuration = TestServer.configuration()
        configuration.connectionExecutor = executor
        return configuration
    }

    @Test(arguments: [ServerConfiguration.ConnectionExecutor.automatic, .global])
    func pipelinedRequestsBeyondTheReadWatermarkAreAllAnswered(
        _ executor: ServerConfiguration.ConnectionExecutor
    )
        async throws
    {
        // 60 requests are 120 parts in one read burst, far past the 16 at which reading is held.
        let count = 60
        #expect(count * 2 > ConnectionBridge.highWatermark)
        try await TestServer.with(Self.configuration(executor), handler: Handlers.echo) { server in
            let client = try await server.connect()
            try await client.send((0..<count).map { "GET /r\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
            for index in 0..<count {
                let response = try #require(try await client.readResponse(), "response \(index)")
                #expect(response.header("x-path") == "/r\(index)")
            }
            #expect(!client.isClosed)
            await client.close()
        }
    }

    // One at a time: several such transfers at once in a debug build starve the other tests'
    // event loops and executors for seconds.
    @Test(
        .serialized,
        arguments: [
            (ServerConfiguration.ConnectionExecutor.automatic, "n=2097152"),
            (.automatic, "n=2097152&stream"),
            (.global, "n=2097152"),
            (.global, "n=2097152&stream"),
        ]
    )
    func responsesLargerThanTheSocketBuffersArriveWhole(
        _ executor: ServerConfiguration.ConnectionExecutor,
        _ query: String
    ) async throws {
        try await TestServer.with(Self.configuration(executor), handler: Self.big) { server in
            let client = try await server.connect()
            // Two in a row: the second is served after the first one's writes waited and resumed.
            // Read to the close (the second asks for it): the test client parses a response by
            // copying what it has, which is quadratic for megabytes read piece by piece.
            let request = "GET /big?\(query) HTTP/1.1\r\nHost: t\r\n"
            try await client.send(request + "\r\n" + request + "Connection: close\r\n\r\n")
            let received = try await client.readToClose(timeout: .seconds(30))
            let fill = UInt8(ascii: query.contains("stream") ? "^" : "~")
            var filled = 0
            for byte in received.utf8 where byte == fill { filled += 1 }
            #expect(filled == 2 * 2_097_152)
            #expect(received.ranges(of: "HTTP/1.1 200 OK\r\n").count == 2)
            await client.close()
        }
    }
}
