import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `greenroom serve` on a socket it inherits, as systemd socket activation hands it over: the
/// launcher binds, serve adopts descriptor 3, the policy judges the socket itself, and a restart
/// inside the launcher keeps the socket so no request fails.
@Suite(.serialized) struct SocketActivationTests {
    @Test func servesOnTheSocketSystemdPasses() async throws {
        try await retryingOnPortConflict {
            let port = try FreePort.allocate(1)[0]
            let launcher = try SocketLauncher(.loopback, port: port, serveArguments: ["--access-log", "off"])
            defer { launcher.stop() }
            try await waitUntil("the start-up line") {
                launcher.serveOutput(1).contains("greenroom starting up on http://127.0.0.1:\(port)")
            }
            let response = try await Curl.request("http://127.0.0.1:\(port)/healthz")
            #expect(response.status == 200)
            #expect(launcher.exitStatus(1) == nil, "\(launcher.serveOutput(1))")
        }
    }

    @Test func restartingOnTheKeptSocketFailsNoRequest() async throws {
        try await retryingOnPortConflict {
            let port = try FreePort.allocate(1)[0]
            let launcher = try SocketLauncher(.loopback, port: port, serveArguments: ["--access-log", "off"])
            defer { launcher.stop() }
            try await waitUntil("the first server") { launcher.serveOutput(1).contains("starting up") }

            let loop = RequestLoop(port: port, workers: 4, pause: .milliseconds(2))
            let stop = StopFlag()
            let load = Task { try await loop.run { stop.isRaised } }
            defer { stop.raise() }
            try await waitUntil("load on the first server") { loop.served.count >= 200 }
            let started = ContinuousClock.now
            try launcher.restart()
            try await waitUntil("the second server", timeout: .seconds(20)) {
                launcher.serveOutput(2).contains("starting up")
            }
            let switched = ContinuousClock.now - started
            let before = loop.served.count
            try await waitUntil("load on the second server") { loop.served.count >= before + 200 }
            stop.raise()
            let tally = try await load.value
            print("restart on a kept socket: switch took \(switched); \(tally)")
            #expect(launcher.exitStatus(1) == 0, "\(launcher.serveOutput(1))")
            #expect(tally.failures == 0, "\(tally)")
            // A connection the old server accepted as its shutdown began is still served (with
            // `Connection: close`); new ones wait in the kept socket's queue: nothing is reset.
            #expect(tally.refused == 0, "\(tally)")
        }
    }

    /// The hostile case for the restart: every request on a connection of its own, eight clients
    /// without pause, so connections are being accepted at the very instant shutdown begins.
    @Test func restartingUnderFreshConnectionsRefusesNone() async throws {
        try await retryingOnPortConflict {
            let port = try FreePort.allocate(1)[0]
            let launcher = try SocketLauncher(.loopback, port: port, serveArguments: ["--access-log", "off"])
            defer { launcher.stop() }
            try await waitUntil("the first server") { launcher.serveOutput(1).contains("starting up") }

            var loop = RequestLoop(port: port, workers: 8, pause: .zero)
            loop.request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            let stop = StopFlag()
            let load = Task { [loop] in try await loop.run { stop.isRaised } }
            defer { stop.raise() }
            try await waitUntil("load on the first server") { loop.served.count >= 500 }
            try launcher.restart()
            try await waitUntil("the second server", timeout: .seconds(20)) {
                launcher.serveOutput(2).contains("starting up")
            }
            let before = loop.served.count
            try await waitUntil("load on the second server") { loop.served.count >= before + 500 }
            stop.raise()
            let tally = try await load.value
            print("restart under fresh connections: \(tally)")
            #expect(launcher.exitStatus(1) == 0, "\(launcher.serveOutput(1))")
            #expect(tally.failures == 0, "\(tally)")
            #expect(tally.refused == 0, "\(tally)")
        }
    }

    @Test func aWildcardSocketWhileTrustingAProxyIsRefused() async throws {
        try await retryingOnPortConflict {
            let port = try FreePort.allocate(1)[0]
            let launcher = try SocketLauncher(.wildcard, port: port, serveArguments: ["--trust", "loopback"])
            defer { launcher.stop() }
            try await waitUntil("serve to exit") { launcher.exitStatus(1) != nil }
            let output = launcher.serveOutput(1)
            #expect(launcher.exitStatus(1) == 2, "\(output)")
            #expect(output.contains("0.0.0.0"), "\(output)")
            #expect(output.contains("[GR001]"), "the rule a bound wildcard gets: \(output)")
        }
    }

    @Test(arguments: [SocketLauncher.Kind.udp, .unlistened])
    func aSocketThatCannotAcceptIsRefusedNamingTheDescriptor(kind: SocketLauncher.Kind) async throws {
        try await retryingOnPortConflict {
            let port = try FreePort.allocate(1)[0]
            let launcher = try SocketLauncher(kind, port: port, serveArguments: [])
            defer { launcher.stop() }
            try await waitUntil("serve to exit") { launcher.exitStatus(1) != nil }
            let output = launcher.serveOutput(1)
            #expect(launcher.exitStatus(1) == 2, "\(output)")
            #expect(output.contains("inherited descriptor 3: not "), "\(output)")
        }
    }

    /// `LISTEN_FDS` meant for another process (its `LISTEN_PID`) is not this server's to take:
    /// it binds its own address as usual (sd_listen_fds(3)).
    @Test func listenFDsForAnotherProcessAreIgnored() async throws {
        let scratch = try TemporaryDirectory("greenroom-listen-pid")
        try await ServeProcess.onFreePort(logDirectory: scratch, environment: ["LISTEN_FDS": "1", "LISTEN_PID": "1"]) {
            serve,
            port in
            let response = try await Curl.request("http://127.0.0.1:\(port)/healthz")
            #expect(response.status == 200)
            #expect(serve.stop() == 0, "\(serve.output)")
        }
    }

    @Test func aDescriptorThatIsNotASocketIsRefused() async throws {
        let closed = try await GreenroomBinary.runUnprivileged(["serve", "--fd", "97"])
        #expect(closed.status == 2)
        #expect(closed.stderr.contains("inherited descriptor 97: not open"), "\(closed)")
        let file = try await GreenroomBinary.runUnprivileged(["serve", "--fd", "0"])
        #expect(file.status == 2)
        #expect(file.stderr.contains("inherited descriptor 0: not a socket"), "\(file)")
    }
}
