import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `greenroom serve` under the signals a service manager and an operator send: SIGHUP (reload),
/// SIGUSR1/SIGUSR2 (ignored), SIGTERM (graceful stop), and the `sd_notify` datagrams systemd
/// expects from a `Type=notify` service, received by a fake `NOTIFY_SOCKET`.
@Suite(.serialized) struct ServeSignalsTests {
    @Test(arguments: [SIGHUP, SIGUSR1, SIGUSR2])
    func signalDoesNotEndTheServerAndIsLogged(signal: Int32) async throws {
        let scratch = try TemporaryDirectory("greenroom-signal")
        try await ServeProcess.onFreePort(logDirectory: scratch) { serve, port in
            let name = ["\(SIGHUP)": "SIGHUP", "\(SIGUSR1)": "SIGUSR1", "\(SIGUSR2)": "SIGUSR2"]["\(signal)"]!
            kill(serve.process.pid, signal)
            try await serve.process.waitUntil("a log line naming \(name)") { serve.output.contains(name) }
            let response = try await Curl.request("http://127.0.0.1:\(port)/healthz")
            #expect(response.status == 200)
            #expect(serve.process.isRunning, "\(serve.output)")
        }
    }

    /// Ten SIGHUPs while four keep-alive clients load the server: every request answered.
    @Test func reloadingUnderLoadFailsNoRequest() async throws {
        let scratch = try TemporaryDirectory("greenroom-hup-load")
        try await ServeProcess.onFreePort(logDirectory: scratch) { serve, port in
            let loop = RequestLoop(port: port, workers: 4, pause: .milliseconds(2))
            let stop = StopFlag()
            let load = Task { try await loop.run { stop.isRaised } }
            defer { stop.raise() }
            try await waitUntil("load") { loop.served.count >= 100 }
            for reload in 1...10 {
                kill(serve.process.pid, SIGHUP)
                try await serve.process.waitUntil("reload \(reload) done") {
                    serve.output.components(separatedBy: "SIGHUP: reload done").count > reload
                }
            }
            stop.raise()
            let tally = try await load.value
            print("SIGHUP x10 under load: \(tally)")
            #expect(tally.failures == 0, "\(tally)")
            #expect(tally.refused == 0, "\(tally)")
            #expect(serve.process.isRunning)
        }
    }

    @Test func notifySocketReceivesReadyStatusWatchdogAndStoppingInOrder() async throws {
        let scratch = try TemporaryDirectory("greenroom-notify")
        let notify = try FakeNotifySocket(in: scratch)
        try await ServeProcess.onFreePort(
            logDirectory: scratch,
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"]
        ) { serve, port in
            try await waitUntil("READY=1 and two watchdog pings") {
                notify.messages.filter { $0 == "WATCHDOG=1" }.count >= 2
            }
            #expect(serve.stop() == 0, "\(serve.output)")
            try await waitUntil("STOPPING=1") { notify.messages.contains { $0.hasPrefix("STOPPING=1") } }

            let messages = notify.messages
            let ready = try #require(messages.firstIndex { $0.split(separator: "\n").contains("READY=1") })
            #expect(messages[ready].contains("STATUS=serving on http://127.0.0.1:\(port), trusting loopback"))
            let firstPing = try #require(messages.firstIndex(of: "WATCHDOG=1"))
            let stopping = try #require(messages.firstIndex { $0.hasPrefix("STOPPING=1") })
            #expect(ready < firstPing && firstPing < stopping, "\(messages)")
        }
    }

    @Test func withoutNotifySocketNothingIsSentAndServeRuns() async throws {
        let scratch = try TemporaryDirectory("greenroom-notify-none")
        try await ServeProcess.onFreePort(logDirectory: scratch, environment: ["WATCHDOG_USEC": "not-a-number"]) {
            serve,
            port in
            #expect(serve.stop() == 0, "\(serve.output)")
        }
    }
}
