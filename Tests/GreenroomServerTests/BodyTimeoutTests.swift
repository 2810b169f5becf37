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
        configuration.headerTimeout = .seconds(1)
        configuration.idleTimeout = .seconds(2)
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
}
