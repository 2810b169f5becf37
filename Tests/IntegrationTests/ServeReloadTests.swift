import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SIGHUP re-reads the spec (`--config`): new trust settings apply to the next request, on
/// connections already open too; a spec that does not load, that the policy refuses, or that
/// needs a new socket leaves the running configuration in force and says why in the log.
@Suite(.serialized) struct ServeReloadTests {
    static let forged = "GET /whoami HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n"

    /// The `client` of `/whoami` on an open keep-alive connection.
    static func client(on connection: RawConnection) throws -> String? {
        try connection.send(forged)
        let response = try connection.readResponse()
        let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return json?["client"] as? String
    }

    /// Sends SIGHUP and waits until the log says the reload ended, `done` or `failed`, for the
    /// `count`-th time.
    static func reload(_ serve: ServeProcess, count: Int) async throws {
        kill(serve.process.pid, SIGHUP)
        try await serve.process.waitUntil("reload \(count) ended") {
            serve.output.components(separatedBy: "SIGHUP: reload done").count
                + serve.output.components(separatedBy: "SIGHUP: reload failed").count - 2 >= count
        }
    }

    @Test func aTrustChangeAppliesToTheNextRequestOnAnOpenConnection() async throws {
        let scratch = try TemporaryDirectory("greenroom-reload")
        let spec = try scratch.write("greenroom.yml", "app:\n  trust: [loopback]\n  forwarded_headers: x-forwarded\n")
        try await ServeProcess.onFreePort(["--config", spec], logDirectory: scratch) { serve, port in
            let connection = try RawConnection.open(port: port)
            #expect(try Self.client(on: connection) == "203.0.113.9", "loopback is trusted: \(serve.output)")

            // From now on only `Forwarded` is read: the X-Forwarded-For the peer sends is not.
            _ = try scratch.write("greenroom.yml", "app:\n  trust: [loopback]\n  forwarded_headers: forwarded\n")
            try await Self.reload(serve, count: 1)
            #expect(serve.output.contains("configuration reloaded"), "\(serve.output)")
            #expect(try Self.client(on: connection) == "127.0.0.1", "the same connection, the new policy")
            #expect(try Self.client(on: try RawConnection.open(port: port)) == "127.0.0.1", "a new connection too")
        }
    }

    @Test(arguments: [
        // Does not load: the log names the file and line.
        ("app:\n  trust: [loopback\n", "greenroom.yml:"),
        ("app:\n  trust: [not-an-address]\n", "greenroom.yml:2"),
        // The policy refuses it: the log names the rule.
        ("app:\n  trust: [loopback, 203.0.113.0/24]\n", "greenroom.yml:2:21: app.trust[1]"),
    ])
    func aSpecThatIsRefusedLeavesTheRunningOneInForce(_ bad: String, _ named: String) async throws {
        let scratch = try TemporaryDirectory("greenroom-reload-bad")
        let spec = try scratch.write("greenroom.yml", "app:\n  trust: [loopback]\n")
        try await ServeProcess.onFreePort(["--config", spec], logDirectory: scratch) { serve, port in
            _ = try scratch.write("greenroom.yml", bad)
            try await Self.reload(serve, count: 1)
            #expect(serve.output.contains("SIGHUP: reload failed"), "\(serve.output)")
            #expect(serve.output.contains(named), "the log says where or which rule: \(serve.output)")
            #expect(!serve.output.contains("configuration reloaded"), "\(serve.output)")
            #expect(try Self.client(on: try RawConnection.open(port: port)) == "203.0.113.9", "loopback still trusted")
            #expect(serve.process.isRunning)
        }
    }

    /// What `serve` only warns about at start is applied, with the same warning in the log.
    @Test func aWarningOfTheRulesIsLoggedAndTheSpecApplied() async throws {
        let scratch = try TemporaryDirectory("greenroom-reload-warn")
        let spec = try scratch.write("greenroom.yml", "app:\n  trust: [loopback]\n")
        try await ServeProcess.onFreePort(["--config", spec], logDirectory: scratch) { serve, _ in
            _ = try scratch.write("greenroom.yml", "app:\n  trust: [loopback, 8.8.8.8]\n")
            try await Self.reload(serve, count: 1)
            #expect(serve.output.contains("configuration reloaded"), "\(serve.output)")
            #expect(serve.output.contains("8.8.8.8/32 is not this host"), "\(serve.output)")
            #expect(serve.output.contains("[GR004]"), "\(serve.output)")
        }
    }

    /// sd_notify(3): a reload is `RELOADING=1` with the monotonic time it began, then `READY=1`.
    @Test func systemdHearsReloadingWithItsMonotonicTimeThenReady() async throws {
        let scratch = try TemporaryDirectory("greenroom-reload-notify")
        let notify = try FakeNotifySocket(in: scratch)
        let spec = try scratch.write("greenroom.yml", "app:\n  trust: [loopback]\n")
        try await ServeProcess.onFreePort(
            ["--config", spec],
            logDirectory: scratch,
            environment: ["NOTIFY_SOCKET": notify.path]
        ) { serve, _ in
            try await waitUntil("READY=1") { notify.messages.contains { $0.hasPrefix("READY=1") } }
            _ = try scratch.write("greenroom.yml", "app:\n  trust: [127.0.0.1]\n")
            try await Self.reload(serve, count: 1)
            try await waitUntil("READY=1 after the reload") { notify.messages.count >= 4 }
            let messages = notify.messages
            let reloading = try #require(messages.firstIndex { $0.hasPrefix("RELOADING=1\n") }, "\(messages)")
            let time = messages[reloading].split(separator: "\n").last ?? ""
            #expect(time.hasPrefix("MONOTONIC_USEC="), "\(messages)")
            #expect(Int(time.dropFirst("MONOTONIC_USEC=".count)).map { $0 > 0 } == true, "\(messages)")
            #expect(messages[(reloading + 1)...].contains { $0.hasPrefix("READY=1") }, "\(messages)")
            // The STATUS line says whom it trusts now.
            #expect(
                messages[(reloading + 1)...].contains {
                    $0.hasPrefix("STATUS=serving on") && $0.hasSuffix("trusting 127.0.0.1")
                },
                "\(messages)"
            )
        }
    }

    @Test func aNewPortIsRefusedSayingRestart() async throws {
        let scratch = try TemporaryDirectory("greenroom-reload-port")
        try await retryingOnPortConflict {
            let ports = try FreePort.allocate(2)
            let spec = try scratch.write("greenroom.yml", "app:\n  listen: {host: 127.0.0.1, port: \(ports[0])}\n")
            let serve = try await ServeProcess.start(
                ["--config", spec, "--access-log", "off"],
                readiness: .tcp(ports[0]),
                logDirectory: scratch
            )
            defer { serve.stop() }
            _ = try scratch.write("greenroom.yml", "app:\n  listen: {host: 127.0.0.1, port: \(ports[1])}\n")
            try await Self.reload(serve, count: 1)
            #expect(serve.output.contains("SIGHUP: reload failed"), "\(serve.output)")
            #expect(serve.output.contains("restart"), "\(serve.output)")
            let response = try await Curl.request("http://127.0.0.1:\(ports[0])/healthz")
            #expect(response.status == 200, "still serving on the old port")
        }
    }

    /// SIGHUPs that switch the trust settings back and forth while keep-alive clients load the
    /// server: every request is answered.
    @Test func reloadingTheSpecUnderLoadFailsNoRequest() async throws {
        let scratch = try TemporaryDirectory("greenroom-reload-load")
        let variants = ["app:\n  forwarded_headers: x-forwarded\n", "app:\n  forwarded_headers: both\n"]
        let spec = try scratch.write("greenroom.yml", variants[0])
        try await ServeProcess.onFreePort(["--config", spec], logDirectory: scratch) { serve, port in
            let loop = RequestLoop(port: port, workers: 4, pause: .milliseconds(2))
            let stop = StopFlag()
            let load = Task { try await loop.run { stop.isRaised } }
            defer { stop.raise() }
            try await waitUntil("load") { loop.served.count >= 100 }
            let started = ContinuousClock.now
            for reload in 1...10 {
                _ = try scratch.write("greenroom.yml", variants[reload % 2])
                try await Self.reload(serve, count: reload)
            }
            let reloading = ContinuousClock.now - started
            stop.raise()
            let tally = try await load.value
            print("spec re-read x10 under load in \(reloading): \(tally)")
            #expect(serve.output.components(separatedBy: "configuration reloaded").count == 11, "\(serve.output)")
            #expect(tally.failures == 0, "\(tally)")
            #expect(tally.refused == 0, "\(tally)")
        }
    }
}
