import Foundation
import Testing

/// Clients that vanish in the middle of a request or of a response, against the real
/// `greenroom serve`: the server stays up, serves others meanwhile, and keeps no connection it
/// should have let go, which its own accounting shows: with `--max-connections 4`, a burst of
/// four held connections is still served after a dozen abandoned ones.
///
/// The header and idle timeouts are a minute here, far beyond every wait in the test: only
/// noticing each disconnect can free its slot in time.
@Suite(.serialized) struct FaultDisconnectTests {
    static let maxConnections = 4
    static let flags = [
        "--port", "0", "--max-connections", "\(maxConnections)", "--header-timeout", "60", "--idle-timeout", "60",
        "--access-log", "off",
    ]
    static let get = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"

    /// One way of leaving: it opens a connection, sends part of something, and goes.
    struct Abandon: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let leave: @Sendable (UInt16) throws -> Void
    }

    static let abandons: [Abandon] = [
        Abandon(testDescription: "half a head, then close") { port in
            let connection = try RawConnection.open(port: port)
            try connection.send("GET /healthz HTTP/1.1\r\nHost: local")
            connection.close()
        },
        Abandon(testDescription: "half a head, then reset") { port in
            let connection = try RawConnection.open(port: port)
            try connection.send("GET /healthz HTTP/1.1\r\nHost: local")
            connection.reset()
        },
        Abandon(testDescription: "half a Content-Length body, then close") { port in
            let connection = try RawConnection.open(port: port)
            try connection.send("PUT /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 200000\r\n\r\n")
            try connection.send(String(repeating: "x", count: 50_000))
            connection.close()
        },
        Abandon(testDescription: "a few bytes of a long pipelined response, then reset") { port in
            let connection = try RawConnection.open(port: port)
            // The built-in app streams nothing large; 3,000 pipelined requests make a ~500 KB response.
            try connection.send(String(repeating: "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", count: 3000))
            _ = try connection.receive(atLeast: 20)
            connection.reset()
        },
        Abandon(testDescription: "a few bytes of a long pipelined response, then close") { port in
            let connection = try RawConnection.open(port: port)
            try connection.send(String(repeating: "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", count: 3000))
            _ = try connection.receive(atLeast: 20)
            connection.close()
        },
    ]

    @Test func abandonedConnectionsAreLetGoAndOthersServed() async throws {
        let logs = try TemporaryDirectory("greenroom-fault")
        let server = try await ServeProcess.start(Self.flags, readiness: .startupLine, logDirectory: logs)
        let port = try server.port
        // Three rounds of every way of leaving: 15 abandoned connections, 4 slots.
        for round in 1...3 {
            for abandon in Self.abandons {
                // Someone else is served meanwhile (once the server noticed a departure).
                let response = try await onThread {
                    try abandon.leave(port)
                    let client = try RawConnection.open(port: port)
                    try client.send(Self.get)
                    return Result { try client.readResponse(timeout: .seconds(10)) }
                }
                #expect(
                    (try? response.get())?.status == 200,
                    "round \(round), after '\(abandon.testDescription)': \(response)"
                )
            }
        }
        try await Self.expectBurstIsServed(port: port)
        #expect(server.process.isRunning, "\(server.output)")
        let (status, _) = try await server.terminate(timeout: .seconds(10))
        #expect(status == 0, "\(server.output)")
    }

    /// A burst of `--max-connections` connections, all held open at once, is answered; one more
    /// waits until one of them closes (the limit is still counted right).
    static func expectBurstIsServed(port: UInt16) async throws {
        let (burst, beyond, afterOneLeft) = try await onThread {
            let burst = try (0..<maxConnections).map { _ in try RawConnection.open(port: port) }
            for connection in burst { try connection.send(get) }
            let statuses = try burst.map { try $0.readResponse(timeout: .seconds(5)).status }
            let extra = try RawConnection.open(port: port)
            try extra.send(get)
            let beyond = Result { try extra.readResponse(timeout: .milliseconds(300)) }
            burst[0].close()
            let afterOneLeft = try extra.readResponse(timeout: .seconds(5))
            for connection in burst { connection.close() }
            extra.close()
            return (statuses, beyond, afterOneLeft)
        }
        #expect(burst == Array(repeating: 200, count: maxConnections))
        #expect(
            throws: RawConnection.Failure.timedOut("reading a response (0 bytes so far)"),
            "beyond --max-connections nobody is served"
        ) { try beyond.get() }
        #expect(afterOneLeft.status == 200)
    }
}
