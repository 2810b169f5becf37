import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM while `greenroom serve` is under load: it stops accepting, every request it had
/// started gets its whole response (the last one on each connection says `Connection: close`),
/// and it exits with status 0 before `--shutdown-timeout`, without having to cut anyone off.
///
/// The built-in app answers at once, so "in flight" is made from the client side: a request
/// whose head is half sent, an upload whose body is half sent, a long pipelined response the
/// client has not read yet, and sixteen keep-alive loops.
@Suite(.serialized) struct FaultShutdownTests {
    static let flags = [
        "--port", "0", "--shutdown-timeout", "3", "--header-timeout", "30", "--idle-timeout", "30",
        "--access-log", "off",
    ]

    @Test func sigtermDuringLoadCompletesWhatWasStarted() async throws {
        let logs = try TemporaryDirectory("greenroom-fault")
        let server = try await ServeProcess.start(Self.flags, readiness: .startupLine, logDirectory: logs)
        let port = try server.port

        let (halfHead, upload, pipelined) = try await onThread {
            let halfHead = try RawConnection.open(port: port)
            try halfHead.send("GET /healthz HTTP/1.1\r\nHost: loc")
            let upload = try RawConnection.open(port: port)
            try upload.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 200000\r\n\r\n")
            try upload.send(String(repeating: "u", count: 100_000))
            let pipelined = try RawConnection.open(port: port)
            for _ in 0..<20 {
                do {
                    try pipelined.send(
                        String(repeating: "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", count: 1000),
                        timeout: .milliseconds(300))
                } catch RawConnection.Failure.timedOut {
                    break
                }
            }
            return (halfHead, upload, pipelined)
        }
        let loop = RequestLoop(port: port, workers: 16, stopAfterRefusals: 5)
        let stop = StopFlag()
        let load = Task { try await loop.run { stop.isRaised } }
        defer { stop.raise() }
        try await waitUntil("the load to be served") { loop.served.count >= 300 }

        kill(server.process.pid, SIGTERM)
        let signalled = ContinuousClock.now

        let (late, uploaded, stream) = try await onThread {
            try halfHead.send("alhost\r\n\r\n")
            let late = try halfHead.readResponse(timeout: .seconds(5))
            try upload.send(String(repeating: "u", count: 100_000))
            let uploaded = try upload.readResponse(timeout: .seconds(5))
            var stream: [RawResponse] = []
            while let response = try? pipelined.readResponse(timeout: .seconds(5)) {
                stream.append(response)
                if response.closesConnection { break }
            }
            return (late, uploaded, stream)
        }
        #expect(late.status == 200 && late.text == "ok" && late.closesConnection, "\(late)")
        #expect(uploaded.status == 200 && uploaded.text == "ok", "\(uploaded)")
        #expect(try await onThread { upload.closesWithin(.seconds(5)) }, "the finished upload's connection closes")
        #expect(stream.count > 1 && stream.allSatisfy { $0.status == 200 && $0.text == "Hello, World!" })
        #expect(stream.last?.closesConnection == true, "the pipelined stream ends with Connection: close")
        #expect(try await onThread { pipelined.closesWithin(.seconds(5)) })
        for connection in [halfHead, upload, pipelined] { connection.close() }

        try await waitUntil("greenroom serve to exit", timeout: .seconds(10)) { !server.process.isRunning }
        let took = ContinuousClock.now - signalled
        stop.raise()
        let tally = try await load.value
        #expect(server.process.exitStatus == 0, "\(server.output)")
        #expect(took < .seconds(5), "shutdown took \(took) (--shutdown-timeout 3)")
        #expect(!server.output.contains("shutdown deadline reached"), "\(server.output)")
        #expect(tally.failures == 0, "every answered connection got whole responses: \(tally)")
        #expect(tally.ok >= 300, "\(tally)")
    }
}
