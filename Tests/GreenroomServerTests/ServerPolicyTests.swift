import GreenroomCore
import Logging
import Testing

@testable import GreenroomServer

#if canImport(Glibc)
import Glibc
#endif

/// The deployment policy as the server applies it: this host's facts, and `HTTPServer.run`
/// refusing what `greenroom serve` refuses unless the embedder exempts the rule.
@Suite struct ServerPolicyTests {
    @Test func defaultConfigurationStartsForAnOrdinaryUser() {
        #expect(ServerConfiguration().policyViolations(effectiveUserID: 1000).isEmpty)
        #expect(ServerConfiguration().policyViolations(effectiveUserID: 0).map(\.rule) == [.specRootUser])
    }

    @Test func embeddedServerRefusesAWildcardBindWhileTrustingLoopback() async throws {
        var configuration = TestServer.configuration(.tcp(host: "0.0.0.0", port: 0))
        configuration.trustedProxies = .loopback
        let server = HTTPServer(configuration: configuration, logger: Logger(label: "test")) { _ in .text("no") }
        await #expect {
            try await server.run()
        } throws: { error in
            let refusal = try #require(error as? DeploymentPolicyRefusal)
            return refusal.violations.map(\.rule) == [.specWildcardBind]
                && refusal.description.contains("refusing to bind 0.0.0.0:0 while trusting proxies (loopback)")
        }
    }

    @Test func embeddedServerStartsWithTheRuleExemptedOrOptedIn() async throws {
        var exempted = TestServer.configuration(.tcp(host: "0.0.0.0", port: 0))
        exempted.policyExemptions.insert(.specWildcardBind)
        var optedIn = TestServer.configuration(.tcp(host: "0.0.0.0", port: 0))
        optedIn.optIns.insert(.wildcardBind)
        for configuration in [exempted, optedIn] {
            try await TestServer.with(configuration) { server in
                guard case .tcp(_, let port) = server.bound else { return }
                let client = try await TestClient.connect(to: .tcp(host: "127.0.0.1", port: port))
                try await client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await client.readResponse()?.body == "ok")
                await client.close()
            }
        }
    }

    @Test func unixSocketPathThatIsARegularFileIsRefused() throws {
        let path = "/tmp/greenroom-guard-\(getpid())-file"
        let fd = open(path, O_CREAT | O_WRONLY, 0o600)
        #expect(fd >= 0)
        close(fd)
        defer { unlink(path) }
        let violations = ServerConfiguration(bind: .unix(path: path)).policyViolations(effectiveUserID: 1000)
        #expect(violations.map(\.rule) == [.liveAddressInUse])
        #expect(violations.first?.message == "\(path) exists and is not a socket")
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
            #expect(configuration.deploymentDescription(effectiveUserID: 1000).unixSocket?.isInUse == true)
            #expect(configuration.policyViolations(effectiveUserID: 1000).map(\.rule) == [.liveAddressInUse])
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
