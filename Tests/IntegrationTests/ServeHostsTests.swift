import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `greenroom serve --host 127.0.0.1 --host ::1`: one process listens on both loopback
/// addresses on one port, and each address is judged by the start-up policy on its own.
@Suite(.serialized) struct ServeHostsTests {
    @Test func oneServeAnswersOnBothLoopbackAddresses() async throws {
        guard Self.canBindIPv6Loopback() else {
            try TestEnvironment.skip("::1 cannot be bound on this host (IPv6 loopback disabled)")
        }
        let logs = try TemporaryDirectory("greenroom-hosts")
        let server = try await ServeProcess.start(
            ["--port", "0", "--host", "127.0.0.1", "--host", "::1", "--access-log", "off"],
            readiness: .startupLine,
            logDirectory: logs
        )
        let port = try server.port
        let v4 = try await Curl.request("http://127.0.0.1:\(port)/healthz")
        let v6 = try await Curl.request("http://[::1]:\(port)/healthz")
        #expect(v4.status == 200 && v4.body == "ok", "\(v4)")
        #expect(v6.status == 200 && v6.body == "ok", "\(v6)")
        #expect(server.stop() == 0, "\(server.output)")
        #expect(server.output.contains("greenroom starting up on http://127.0.0.1:\(port)"), "\(server.output)")
        #expect(server.output.contains("greenroom starting up on http://[::1]:\(port)"), "\(server.output)")
    }

    /// systemd hears READY=1 once both addresses listen, with a STATUS naming both; the
    /// environment list (`GREENROOM_HOST=127.0.0.1,::1`) is read like `--host` repeated.
    @Test func readinessWaitsForBothAndNamesThem() async throws {
        guard Self.canBindIPv6Loopback() else {
            try TestEnvironment.skip("::1 cannot be bound on this host (IPv6 loopback disabled)")
        }
        let scratch = try TemporaryDirectory("greenroom-hosts-notify")
        let notify = try FakeNotifySocket(in: scratch)
        try await ServeProcess.onFreePort(
            logDirectory: scratch,
            environment: ["NOTIFY_SOCKET": notify.path, "GREENROOM_HOST": "127.0.0.1,::1"]
        ) { serve, port in
            try await waitUntil("READY=1") {
                notify.messages.contains { $0.split(separator: "\n").contains("READY=1") }
            }
            let ready = try #require(notify.messages.first { $0.split(separator: "\n").contains("READY=1") })
            #expect(
                ready.contains("STATUS=serving on http://127.0.0.1:\(port), http://[::1]:\(port), trusting loopback"),
                "\(ready)"
            )
            #expect(notify.messages.filter { $0.contains("READY=1") }.count == 1, "\(notify.messages)")
            #expect(serve.stop() == 0, "\(serve.output)")
        }
    }

    @Test func aWildcardSecondAddressWhileTrustingAProxyIsRefusedByName() async throws {
        try await CheckServeStartupTests.refused(
            ["--host", "127.0.0.1", "--host", "0.0.0.0", "--port", "18000", "--trust", "127.0.0.1"],
            "GR001",
            "refusing to bind 0.0.0.0:18000"
        )
    }

    /// Whether this host lets a process bind `[::1]` (containers sometimes disable IPv6).
    static func canBindIPv6Loopback() -> Bool {
        let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }
}
