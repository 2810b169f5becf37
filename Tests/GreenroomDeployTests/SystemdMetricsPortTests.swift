import GreenroomCore
import GreenroomDeploy
import Testing

/// The generated unit lets `serve` bind `app.metrics_port` (its sandbox denies every other bind),
/// and a spec whose instances would share one metrics port is refused.
@Suite struct SystemdMetricsPortTests {
    @Test func theMetricsPortIsAllowedBesideTheAppsPort() throws {
        let unit = lines(try render(try spec("app:\n  metrics_port: 9100\n"), .systemd))
        #expect(unit.contains("SocketBindAllow=tcp:8000"))
        #expect(unit.contains("SocketBindAllow=tcp:9100"))
        #expect(unit.contains("SocketBindDeny=any"))
        #expect(unit.contains("IPAddressAllow=localhost"), "the scraper on this host reaches it")
    }

    @Test func besideAUnixSocketOnlyTheMetricsPortIsAllowed() throws {
        let unit = lines(
            try render(try spec("app:\n  listen: {unix: /run/greenroom/app.sock}\n  metrics_port: 9100\n"), .systemd)
        )
        #expect(unit.filter { $0.hasPrefix("SocketBindAllow") } == ["SocketBindAllow=tcp:9100"])
    }

    @Test func noMetricsPortNoExtraAllowance() throws {
        let unit = lines(try render(try spec("app:\n  listen: {host: 127.0.0.1, port: 8000}\n"), .systemd))
        #expect(unit.filter { $0.hasPrefix("SocketBindAllow") } == ["SocketBindAllow=tcp:8000"])
    }

    @Test func instancesCannotShareOneMetricsPort() throws {
        #expect(throws: SpecError.self) { try spec("app:\n  instances: 2\n  metrics_port: 9100\n") }
        do {
            _ = try spec("app:\n  instances: 2\n  metrics_port: 9100\n")
        } catch {
            #expect("\(error)".contains("app.metrics_port"), "\(error)")
        }
    }
}
