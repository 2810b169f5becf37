import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Clients that are slow on purpose, against the real `greenroom serve`: slowloris (many
/// connections dribbling a head byte by byte) is bounded by `--header-timeout`, and a client
/// that never reads its responses holds nobody else up and is let go after `--idle-timeout`.
/// Others are served meanwhile.
@Suite(.serialized) struct FaultSlowClientTests {
    static let get = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"

    /// How one dribbling connection ended.
    enum Ending: Sendable, Equatable {
        /// The server answered (the status) and closed, or is closing.
        case answered(Int, after: Duration)
        /// The server closed without an answer.
        case closed(after: Duration)
        /// Still open at the deadline.
        case open
    }

    @Test func slowlorisIsBoundedByTheHeaderTimeout() async throws {
        let logs = try TemporaryDirectory("greenroom-fault")
        let server = try await ServeProcess.start(
            ["--port", "0", "--header-timeout", "1", "--idle-timeout", "2", "--access-log", "off"],
            readiness: .startupLine,
            logDirectory: logs
        )
        let port = try server.port
        let slowloris = Task { try await onThread { try Self.dribble(port: port, connections: 40, for: .seconds(8)) } }
        // Others are served while the 40 dribble.
        var served: [Int] = []
        for _ in 0..<10 {
            served.append(try await Self.request(port: port).status)
            try await Task.sleep(for: .milliseconds(100))
        }
        let endings = try await slowloris.value
        #expect(served == Array(repeating: 200, count: 10))
        #expect(!endings.contains(.open), "every dribbling connection must end within the header timeout: \(endings)")
        for ending in endings {
            if case .answered(let status, _) = ending { #expect(status == 408, "\(endings)") }
        }
        // The header timeout is 1 s; allow for a busy machine, but not for the client's pace.
        let slowest =
            endings.map { ending -> Duration in
                switch ending {
                case .answered(_, let after), .closed(let after): after
                case .open: .seconds(999)
                }
            }.max() ?? .zero
        #expect(slowest < .seconds(5), "\(endings)")
        #expect(try await Self.request(port: port).status == 200)
        #expect(try await server.terminate(timeout: .seconds(10)).status == 0, "\(server.output)")
    }

    @Test func clientThatNeverReadsHoldsNobodyUpAndIsLetGo() async throws {
        let logs = try TemporaryDirectory("greenroom-fault")
        // Two connection slots: the client that never reads takes one, the others share the
        // other, and only letting that client go frees its slot. The header timeout is long: the
        // unread client's pipeline keeps its event loop busy for a while at a time, which a debug
        // build on a loaded machine can stretch past a second.
        let server = try await ServeProcess.start(
            [
                "--port", "0", "--max-connections", "2", "--header-timeout", "10", "--idle-timeout", "2",
                "--shutdown-timeout", "3", "--access-log", "off",
            ],
            readiness: .startupLine,
            logDirectory: logs
        )
        let port = try server.port
        // Pipelined requests until the server takes no more: its writes to this client are stuck.
        let (reader, sent) = try await onThread { () -> (RawConnection, Int) in
            let connection = try RawConnection.open(port: port, tiny: true)
            let batch = String(repeating: "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", count: 100)
            var sent = 0
            do {
                while sent < 2000 {
                    try connection.send(batch, timeout: .milliseconds(500))
                    sent += 1
                }
            } catch {
                // Timed out: nobody reads any more; or reset: the server already let it go.
            }
            return (connection, sent)
        }
        defer { reader.close() }
        #expect(sent < 2000, "the server kept reading a client that never reads (\(sent * 100) requests)")
        var served: [Int] = []
        for _ in 0..<10 { served.append(try await Self.request(port: port).status) }
        #expect(served == Array(repeating: 200, count: 10))
        // Having read nothing for the idle timeout (2 s), the client is let go: both slots serve
        // a pair of clients at once.
        let pair = try await onThread { () -> [Result<RawResponse, any Error>] in
            let connections = try (0..<2).map { _ in try RawConnection.open(port: port) }
            for connection in connections { try connection.send(Self.get) }
            return connections.map { connection in Result { try connection.readResponse(timeout: .seconds(10)) } }
        }
        #expect(pair.map { (try? $0.get())?.status } == [200, 200], "\(pair)")
        #expect(try await server.terminate(timeout: .seconds(10)).status == 0, "\(server.output)")
    }

    /// The security issue's client, twenty times over with `--max-connections 20`: a body
    /// announced, three bytes of it sent, then silence. The built-in app answers without reading
    /// the body; the drain of the rest ends with the body timeout (or the header timeout, the
    /// drain's limit in all), freeing the slots, so a 21st client is served.
    @Test(arguments: [
        ["--header-timeout", "2", "--idle-timeout", "3"],
        ["--header-timeout", "30", "--idle-timeout", "30", "--body-timeout", "2"],
    ])
    func stalledBodiesDoNotLockOutOthers(_ timeouts: [String]) async throws {
        let logs = try TemporaryDirectory("greenroom-fault")
        let server = try await ServeProcess.start(
            ["--port", "0", "--max-connections", "20", "--access-log", "off"] + timeouts,
            readiness: .startupLine,
            logDirectory: logs
        )
        let port = try server.port
        let stalled = try await onThread { () -> [(RawConnection, Int)] in
            try (0..<20).map { index in
                let connection = try RawConnection.open(port: port)
                let framing = index.isMultiple(of: 2) ? "Content-Length: 1000" : "Transfer-Encoding: chunked"
                let start = index.isMultiple(of: 2) ? "abc" : "3e8\r\nabc"
                try connection.send("POST / HTTP/1.1\r\nHost: localhost\r\n\(framing)\r\n\r\n\(start)")
                return (connection, try connection.readResponse(timeout: .seconds(10)).status)
            }
        }
        defer { for (connection, _) in stalled { connection.close() } }
        #expect(stalled.map(\.1) == Array(repeating: 405, count: 20))
        // Every slot is held now; the 21st waits in the listen backlog until one frees.
        let start = ContinuousClock.now
        let late = try await Self.request(port: port, timeout: .seconds(20))
        #expect(late.status == 200)
        #expect(ContinuousClock.now - start < .seconds(10), "served only after \(ContinuousClock.now - start)")
        let closed = try await onThread { stalled.map { $0.0.closesWithin(.seconds(10)) } }
        #expect(closed == Array(repeating: true, count: 20))
        #expect(try await server.terminate(timeout: .seconds(10)).status == 0, "\(server.output)")
    }

    /// One request on a new connection.
    static func request(port: UInt16, timeout: Duration = .seconds(10)) async throws -> RawResponse {
        try await onThread {
            let connection = try RawConnection.open(port: port)
            defer { connection.close() }
            try connection.send(get)
            return try connection.readResponse(timeout: timeout)
        }
    }

    /// Opens `count` connections that send a request line, then one header byte per connection
    /// every 100 ms, never finishing the head; returns how each ended.
    static func dribble(port: UInt16, connections count: Int, for limit: Duration) throws -> [Ending] {
        let start = ContinuousClock.now
        var connections = try (0..<count).map { _ in try RawConnection.open(port: port) }
        var endings = [Ending](repeating: .open, count: count)
        for connection in connections { try connection.send("GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ") }
        while endings.contains(.open), ContinuousClock.now - start < limit {
            for index in connections.indices where endings[index] == .open {
                let connection = connections[index]
                let elapsed = ContinuousClock.now - start
                do {
                    if let more = try connection.receiveAvailable() {
                        if more, let (response, _) = try RawResponse.parse(connection.buffered) {
                            endings[index] = .answered(response.status, after: elapsed)
                        } else if !more {
                            endings[index] = .closed(after: elapsed)
                        }
                        continue
                    }
                    try connection.send("a", timeout: .seconds(1))
                } catch {
                    endings[index] = .closed(after: elapsed)
                }
            }
            usleep(100_000)
        }
        for index in connections.indices { connections[index].close() }
        connections.removeAll()
        return endings
    }
}
