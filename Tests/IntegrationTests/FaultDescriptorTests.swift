import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `greenroom serve` with 64 file descriptors (`prlimit --nofile=64:64`) and more clients than
/// that: it warns at start-up, serves what it can, refuses some connections and logs an error
/// instead of spinning on `accept` (a listener that cannot accept stays readable), and once the
/// clients are gone it serves new ones again.
@Suite(.serialized) struct FaultDescriptorTests {
    static let get = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"

    /// What happened to each of the crowd's requests in the first moments.
    struct Crowd: Sendable {
        var answered = 0
        var refused = 0
        var waiting = 0
    }

    @Test func runningOutOfDescriptorsShedsLoadAndRecovers() async throws {
        let prlimit = try TestEnvironment.requireProgram("prlimit", package: "util-linux")
        let logs = try TemporaryDirectory("greenroom-fault")
        let server = try await ServeProcess.start(
            ["--port", "0", "--header-timeout", "30", "--idle-timeout", "30", "--access-log", "off"],
            readiness: .startupLine,
            logDirectory: logs,
            launcher: [prlimit, "--nofile=64:64", "--"]
        )
        let port = try server.port
        let pid = server.process.pid
        try await server.waitForOutput("the open-file limit is below max-connections")

        // 100 clients hold a connection each and send a request: more than 64 descriptors.
        let connections = try await onThread { try (0..<100).map { _ in try RawConnection.open(port: port) } }
        defer { for connection in connections { connection.close() } }
        let crowd = try await onThread { try Self.sendAndWatch(connections, for: .seconds(2)) }
        #expect(crowd.answered > 10 && crowd.answered < 64, "\(crowd)")
        #expect(crowd.refused >= 1, "the server sheds load by refusing connections: \(crowd)")

        // Still out of descriptors (the crowd holds them): the server must idle, not spin.
        let busy = try await ProcessStats.cpuSeconds(pid: pid) {
            try await Task.sleep(for: .milliseconds(1500))
        }
        #expect(busy < 0.5, "\(busy) s of CPU in 1.5 s while out of descriptors: spinning on accept?")
        let logged = (try? await server.waitForOutput("out of file descriptors")) != nil
        #expect(logged, "an error names the cause: \(server.output)")

        // The crowd leaves; new clients are served again.
        for connection in connections { connection.close() }
        let deadline = ContinuousClock.now + .seconds(10)
        var recovered: RawResponse?
        while recovered == nil, ContinuousClock.now < deadline {
            recovered = try? await onThread {
                let connection = try RawConnection.open(port: port, timeout: .seconds(1))
                defer { connection.close() }
                try connection.send(Self.get)
                return try connection.readResponse(timeout: .seconds(2))
            }
        }
        #expect(recovered?.status == 200, "\(server.output)")
        #expect(server.process.isRunning)
        #expect(try await server.terminate(timeout: .seconds(10)).status == 0, "\(server.output)")
    }

    /// Sends a request on every connection, then watches them for `limit`.
    static func sendAndWatch(_ connections: [RawConnection], for limit: Duration) throws -> Crowd {
        var outcome = [Int?](repeating: nil, count: connections.count)  // 1 answered, 0 refused
        for (index, connection) in connections.enumerated() {
            do { try connection.send(get, timeout: .seconds(1)) } catch { outcome[index] = 0 }
        }
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end, outcome.contains(nil) {
            for (index, connection) in connections.enumerated() where outcome[index] == nil {
                do {
                    guard let more = try connection.receiveAvailable() else { continue }
                    if !more {
                        outcome[index] = connection.buffered.isEmpty ? 0 : 1
                    } else if try RawResponse.parse(connection.buffered) != nil {
                        outcome[index] = 1
                    }
                } catch {
                    outcome[index] = connection.buffered.isEmpty ? 0 : 1
                }
            }
            usleep(10_000)
        }
        return Crowd(
            answered: outcome.filter { $0 == 1 }.count,
            refused: outcome.filter { $0 == 0 }.count,
            waiting: outcome.filter { $0 == nil }.count
        )
    }
}
