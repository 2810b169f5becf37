import GreenroomCore
import Testing

@testable import GreenroomServer

#if canImport(Glibc)
import Glibc
#endif

/// The checks `serve` runs before listening.
@Suite struct StartupGuardTests {
    static let user = StartupEnvironment(effectiveUserID: 1000)
    static let root = StartupEnvironment(effectiveUserID: 0)

    @Test func defaultConfigurationStartsForAnOrdinaryUser() {
        let report = StartupGuard().evaluate(ServerConfiguration(), environment: Self.user)
        #expect(report.findings.isEmpty)
        #expect(!report.refusesToStart)
    }

    @Test func rootIsRefusedEvenWithNoGuard() {
        for skipping in [false, true] {
            let report = StartupGuard().evaluate(ServerConfiguration(), environment: Self.root, skipping: skipping)
            #expect(report.findings.map(\.id) == ["run-as-root"])
            #expect(report.refusesToStart)
        }
    }

    @Test(arguments: [1, 80, 443, 1023])
    func privilegedPortIsRefused(_ port: Int) {
        let report = StartupGuard().evaluate(
            ServerConfiguration(bind: .tcp(host: "127.0.0.1", port: port)),
            environment: Self.user
        )
        #expect(report.findings.map(\.id) == ["privileged-port"])
        #expect(report.findings.first?.message.contains("\(port)") == true)
    }

    @Test(arguments: [0, 1024, 8000, 65535])
    func unprivilegedPortIsAllowed(_ port: Int) {
        let report = StartupGuard().evaluate(
            ServerConfiguration(bind: .tcp(host: "127.0.0.1", port: port)),
            environment: Self.user
        )
        #expect(report.findings.isEmpty)
    }

    @Test func everyRefusalIsReportedAtOnce() {
        let configuration = ServerConfiguration(bind: .tcp(host: "0.0.0.0", port: 80))
        let report = StartupGuard().evaluate(configuration, environment: Self.root)
        #expect(report.findings.map(\.id) == ["run-as-root", "privileged-port", "bind-wildcard"])
    }

    @Test func noGuardSkipsTheBindRulesAndSaysWhich() {
        let configuration = ServerConfiguration(bind: .tcp(host: "0.0.0.0", port: 8000))
        let report = StartupGuard().evaluate(configuration, environment: Self.user, skipping: true)
        #expect(report.findings.isEmpty)
        #expect(report.skipped == ["bind", "unix-socket"])
    }

    @Test func extraChecksPlugIn() {
        var guardRules = StartupGuard()
        guardRules.checks.append(
            StartupCheck(id: "GR999") { configuration, _ in
                configuration.maxConnections > 5 ? [] : [StartupFinding(id: "GR999", message: "too few", fix: "more")]
            }
        )
        var configuration = ServerConfiguration()
        configuration.maxConnections = 1
        #expect(guardRules.evaluate(configuration, environment: Self.user).findings.map(\.id) == ["GR999"])
        #expect(guardRules.evaluate(configuration, environment: Self.user, skipping: true).skipped.contains("GR999"))
    }

    @Test func unixSocketPathThatIsARegularFileIsRefused() throws {
        let path = "/tmp/greenroom-guard-\(getpid())-file"
        let fd = open(path, O_CREAT | O_WRONLY, 0o600)
        #expect(fd >= 0)
        close(fd)
        defer { unlink(path) }
        let report = StartupGuard().evaluate(ServerConfiguration(bind: .unix(path: path)), environment: Self.user)
        #expect(report.findings.map(\.id) == ["unix-socket-not-a-socket"])
        #expect(throws: ServerStartError.self) { try UnixSocketFile.prepare(path: path) }
        #expect(UnixSocketFile.status(of: path) == .notASocket)
    }

    @Test func staleUnixSocketIsRemovedAndALiveOneRefused() async throws {
        let configuration = Transport.unix.configuration()
        guard case .unix(let path) = configuration.bind else { return }
        // A live server: its socket is in use, mode 0660.
        try await TestServer.with(configuration) { _ in
            #expect(UnixSocketFile.status(of: path) == .socketInUse)
            var info = stat()
            #expect(lstat(path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o660)
            let report = StartupGuard().evaluate(configuration, environment: Self.user)
            #expect(report.findings.map(\.id) == ["unix-socket-in-use"])
        }
        // A server that stopped removes its socket.
        #expect(UnixSocketFile.status(of: path) == .absent)
        // Make a stale socket: bound, never listened on, then closed.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8) + [0])
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        close(fd)
        #expect(UnixSocketFile.status(of: path) == .staleSocket)
        // The server replaces it and serves.
        try await TestServer.with(configuration) { server in
            let response = try await server.request("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(response?.body == "ok")
        }
        unlink(path)
    }
}
