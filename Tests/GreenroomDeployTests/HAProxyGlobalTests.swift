import GreenroomDeploy
import Testing

/// The generated HAProxy file replaces `/etc/haproxy/haproxy.cfg`, so its `global` section must
/// keep what Debian's stock file has: the privilege drop, the chroot, the admin socket, and a
/// connection limit.
@Suite struct HAProxyGlobalTests {
    static func global(_ config: String) -> [String] {
        let all = lines(config)
        guard let start = all.firstIndex(of: "global"), let end = all.firstIndex(of: "defaults") else { return [] }
        return Array(all[start..<end])
    }

    @Test func theGlobalSectionIsHardenedLikeDebians() throws {
        let global = Self.global(try render(try spec("proxy:\n  kind: haproxy\n"), .haproxy))
        for line in [
            "user haproxy", "group haproxy", "chroot /var/lib/haproxy",
            "stats socket /run/haproxy/admin.sock mode 660 level admin", "stats timeout 30s", "daemon",
            "log /dev/log local0",
        ] {
            #expect(global.contains(line), "\(line) missing from \(global)")
        }
        // Room for every app server's connections and as many clients waiting for one.
        #expect(global.contains("maxconn 8192"), "\(global)")
    }

    @Test func theFileSaysItIsCompleteAndReplacesTheStockOne() throws {
        let config = try render(try spec("proxy:\n  kind: haproxy\n"), .haproxy)
        #expect(config.contains("complete file"))
        #expect(config.contains("/etc/haproxy/haproxy.cfg"))
    }

    /// A chroot would hide the app's unix socket from HAProxy after start-up.
    @Test func aUnixSocketAppIsReachedWithoutAChroot() throws {
        let global = Self.global(
            try render(try spec("app:\n  listen: {unix: /run/a/a.sock}\nproxy:\n  kind: haproxy\n"), .haproxy)
        )
        #expect(!global.contains { $0.hasPrefix("chroot ") }, "\(global)")
        #expect(global.contains("user haproxy"))
    }

    @Test func maxconnGrowsWithTheAppServers() throws {
        let global = Self.global(
            try render(
                try spec("app:\n  instances: 3\n  limits: {max_connections: 1000}\nproxy:\n  kind: haproxy\n"),
                .haproxy
            )
        )
        #expect(global.contains("maxconn 6000"), "\(global)")
    }
}
