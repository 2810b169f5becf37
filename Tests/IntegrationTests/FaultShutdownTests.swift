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
/// whose head is half sent, an upload whose body is half sent, a pipeline of 1,000 requests whose
/// responses the client has not read yet, and four keep-alive loops.
@Suite(.serialized) struct FaultShutdownTests {
    static let flags = [
        "--port", "0", "--shutdown-timeout", "3", "--header-timeout", "30", "--idle-timeout", "30",
        "--access-log", "off",
    ]

    static let pipelined = 1000

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
            try pipelined.send(String(repeating: "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", count: Self.pipelined))
            return (halfHead, upload, pipelined)
        }
        let loop = RequestLoop(port: port, workers: 4, stopAfterRefusals: 5)
        let stop = StopFlag()
        let load = Task { try await loop.run { stop.isRaised } }
        defer { stop.raise() }
        try await waitUntil("the load to be served") { loop.served.count >= 200 }

        kill(server.process.pid, SIGTERM)
        let signalled = ContinuousClock.now
        // Shutdown has begun once the listener is gone.
        try await waitUntil("the listener to close") { !FreePort.isAccepting(port: port) }

        // Each client closes as soon as it has its answer: the server lingers on a closing
        // connection until its client closes, and a slow client may hold up the shutdown.
        let (late, uploaded, uploadClosed, stream, streamClosed) = try await onThread {
            try halfHead.send("alhost\r\n\r\n")
            let late = Result { try halfHead.readResponse(timeout: .seconds(5)) }
            halfHead.close()
            try upload.send(String(repeating: "u", count: 100_000))
            let uploaded = Result { try upload.readResponse(timeout: .seconds(5)) }
            let uploadClosed = upload.closesWithin(.seconds(5))
            upload.close()
            var stream: [RawResponse] = []
            while stream.count < Self.pipelined, let response = try? pipelined.readResponse(timeout: .seconds(5)) {
                stream.append(response)
                if response.closesConnection { break }
            }
            let streamClosed = pipelined.closesWithin(.seconds(5))
            pipelined.close()
            return (late, uploaded, uploadClosed, stream, streamClosed)
        }
        let lateResponse = try late.get()
        #expect(lateResponse.status == 200 && lateResponse.text == "ok" && lateResponse.closesConnection, "\(late)")
        let uploadResponse = try uploaded.get()
        #expect(uploadResponse.status == 200 && uploadResponse.text == "ok", "\(uploaded)")
        #expect(uploadClosed, "the finished upload's connection closes")
        #expect(!stream.isEmpty && stream.allSatisfy { $0.status == 200 && $0.text == "Hello, World!" })
        // Whatever was cut short was not started: either every request was answered, or the last
        // response announced the close (the client resends the rest, as HTTP says).
        #expect(stream.count == Self.pipelined || stream.last?.closesConnection == true, "\(stream.count)")
        #expect(streamClosed)

        try await waitUntil("greenroom serve to exit", timeout: .seconds(10)) { !server.process.isRunning }
        let took = ContinuousClock.now - signalled
        stop.raise()
        let tally = try await load.value
        #expect(server.process.exitStatus == 0, "\(server.output)")
        #expect(took < .seconds(5), "shutdown took \(took) (--shutdown-timeout 3)")
        #expect(!server.output.contains("shutdown deadline reached"), "\(server.output)")
        #expect(tally.failures == 0, "every answered connection got whole responses: \(tally)")
        #expect(tally.ok >= 200, "\(tally)")
    }
}

extension FaultShutdownTests {
    /// The restart race: a connection the server accepted just before SIGTERM, whose request is
    /// sent only after shutdown began, still gets its whole response (with `Connection: close`)
    /// instead of a reset: its client had no reason to expect the close and would not retry.
    @Test func connectionAcceptedJustBeforeSigtermIsStillServed() async throws {
        let logs = try TemporaryDirectory("greenroom-fault-fresh")
        let flags = ["--port", "0", "--shutdown-timeout", "5", "--access-log", "off"]
        let server = try await ServeProcess.start(flags, readiness: .startupLine, logDirectory: logs)
        let port = try server.port

        let fresh = try await onThread { () throws -> RawConnection in
            let fresh = try RawConnection.open(port: port)
            // Accepting is first in, first out: once a later connection is answered, the server
            // has accepted this one too.
            let later = try RawConnection.open(port: port)
            try later.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            _ = try later.readResponse(timeout: .seconds(5))
            later.close()
            return fresh
        }
        kill(server.process.pid, SIGTERM)
        let signalled = ContinuousClock.now
        try await waitUntil("the listener to close") { !FreePort.isAccepting(port: port) }

        let answer = try await onThread {
            try fresh.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            defer { fresh.close() }
            return Result { try fresh.readResponse(timeout: .seconds(5)) }
        }
        let response = try answer.get()
        #expect(response.status == 200 && response.text == "ok", "\(response)")
        #expect(response.closesConnection, "the response says the connection closes")

        try await waitUntil("greenroom serve to exit", timeout: .seconds(10)) { !server.process.isRunning }
        #expect(server.process.exitStatus == 0, "\(server.output)")
        #expect(ContinuousClock.now - signalled < .seconds(4), "waited no longer than the grace")
    }

    /// A fresh connection that never sends a request does not hold shutdown up: it is closed
    /// after the short grace (1 s), well before `--shutdown-timeout`.
    @Test func silentFreshConnectionIsClosedAfterTheGrace() async throws {
        let logs = try TemporaryDirectory("greenroom-fault-silent")
        let flags = ["--port", "0", "--shutdown-timeout", "20", "--header-timeout", "30", "--access-log", "off"]
        let server = try await ServeProcess.start(flags, readiness: .startupLine, logDirectory: logs)
        let port = try server.port
        let silent = try await onThread { () throws -> RawConnection in
            let silent = try RawConnection.open(port: port)
            let later = try RawConnection.open(port: port)
            try later.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            _ = try later.readResponse(timeout: .seconds(5))
            later.close()
            return silent
        }
        defer { silent.close() }
        kill(server.process.pid, SIGTERM)
        let signalled = ContinuousClock.now
        try await waitUntil("greenroom serve to exit", timeout: .seconds(10)) { !server.process.isRunning }
        let took = ContinuousClock.now - signalled
        #expect(server.process.exitStatus == 0, "\(server.output)")
        #expect(took >= .milliseconds(900) && took < .seconds(5), "shutdown took \(took)")
        #expect(!server.output.contains("shutdown deadline reached"), "\(server.output)")
    }
}
