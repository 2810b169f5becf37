#if Hummingbird
import GreenroomHummingbird
import NIOCore
import Testing

/// A client that starts a request and stops sending (slowloris: a head, or a body, a byte at a
/// time or not at all) is closed after the options' timeouts, as `greenroom serve` closes it;
/// stock `HTTP1Channel` has no timeout unless the app sets one, and then none for bodies.
@Suite struct TimeoutTests {
    static func options() -> GreenroomOptions {
        var options = GreenroomOptions()
        options.idleTimeout = .milliseconds(300)
        options.bodyTimeout = .milliseconds(300)
        return options
    }

    /// What the server sent before it closed the connection, within 5 s of `bytes`. A close
    /// before the client could write (a loaded machine, a short timeout) is a close too.
    static func closedAfter(_ bytes: String) async throws -> String {
        try await withHummingbirdApp(options()) { port in
            do {
                return try await RawClient.exchange(port: port, Array(bytes.utf8), timeout: .seconds(5))
            } catch ChannelError.ioOnClosedChannel {
                return ""
            }
        }
    }

    @Test func aHeadThatNeverEndsIsClosed() async throws {
        let response = try await Self.closedAfter("GET /whoami HTTP/1.1\r\nHost: a")
        #expect(!response.contains("200 OK"), "\(response)")
    }

    @Test func aConnectionThatSendsNothingIsClosed() async throws {
        #expect(try await Self.closedAfter("").isEmpty)
    }

    @Test func aBodyThatStopsIsClosed() async throws {
        let response = try await Self.closedAfter("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
        #expect(!response.contains("200 OK"), "\(response)")
    }

    /// The body timer stops at the end of the body: a route that takes longer than the body
    /// timeout to answer is not cut (the idle timeout is long here, so load cannot fire it).
    @Test func aRouteSlowerThanTheBodyTimeoutIsAnswered() async throws {
        var options = Self.options()
        options.idleTimeout = .seconds(30)
        let request = "POST /slow-echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
        let response = try await withHummingbirdApp(options) { port in
            try await RawClient.exchange(port: port, Array(request.utf8), timeout: .seconds(10))
        }
        #expect(response.hasPrefix("HTTP/1.1 200 OK"), "\(response)")
        #expect(RawClient.body(response) == "hello")
    }
}
#endif
