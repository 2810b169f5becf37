import Foundation
import GreenroomCore
import GreenroomDeploy
import Testing

/// `greenroom check --live` against real listeners on this machine: loopback and this host's own
/// interface addresses only (a connection to our own non-loopback address stays on this host).
/// The probe tests run `greenroom serve` behind a real nginx generated from the spec.
@Suite(.serialized) struct CheckLiveTests {
    /// `greenroom check --config spec --live --json ...`: the exit status and the rule ids found.
    static func checkLive(
        _ spec: String,
        _ extra: [String] = []
    ) async throws -> (ProcessResult, [String], [[String: Any]]) {
        let result = try await GreenroomBinary.run(
            ["check", "--config", spec, "--live", "--json"] + extra,
            timeout: .seconds(60)
        )
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "\(result)"
        )
        let findings = try #require(object["findings"] as? [[String: Any]])
        return (result, findings.compactMap { $0["rule"] as? String }.sorted(), findings)
    }

    static func message(_ findings: [[String: Any]], _ rule: String) -> String {
        findings.first { $0["rule"] as? String == rule }?["message"] as? String ?? ""
    }

    /// One GR084 per non-loopback IPv4 address: where a 0.0.0.0 listener answers.
    static var bypassesOfAnIPv4Wildcard: [String] { LiveNetwork.externalIPv4.map { _ in "GR084" } }

    @Test func aWildcardListenerIsReportedAndReachedAroundTheProxy() async throws {
        let scratch = try TemporaryDirectory()
        try await retryingOnPortConflict {
            let port = try FreePort.allocate()
            let listener = try await LiveListener.tcp(host: "0.0.0.0", port: port, in: scratch)
            defer { listener.stop() }
            let spec = try scratch.write("greenroom.yml", "app:\n  listen: {host: 127.0.0.1, port: \(port)}\n")
            let (result, rules, findings) = try await Self.checkLive(spec)
            #expect(result.status == 1, "\(result)")
            #expect(rules == (["GR080"] + Self.bypassesOfAnIPv4Wildcard).sorted(), "\(result.stdout)")
            #expect(Self.message(findings, "GR080").hasPrefix("0.0.0.0:\(port) listens on every interface"))
            if let address = LiveNetwork.externalIPv4.first {
                #expect(findings.contains { ($0["message"] as? String)?.contains("\(address):\(port)") == true })
            }
        }
    }

    @Test func theListeningProcessRunningAsRootIsReported() async throws {
        try TestEnvironment.requireRoot("a listener owned by root")
        let scratch = try TemporaryDirectory()
        try await retryingOnPortConflict {
            let port = try FreePort.allocate()
            let listener = try await LiveListener.tcp(host: "127.0.0.1", port: port, asRoot: true, in: scratch)
            defer { listener.stop() }
            let spec = try scratch.write("greenroom.yml", "app:\n  listen: {host: 127.0.0.1, port: \(port)}\n")
            let (result, rules, findings) = try await Self.checkLive(spec)
            #expect(result.status == 1)
            #expect(rules == ["GR083"], "\(result.stdout)")
            #expect(
                Self.message(findings, "GR083").contains(
                    "(pid \(listener.pid)) listens on 127.0.0.1:\(port) and runs as root"
                )
            )
        }
    }

    /// A loopback listener run by an unprivileged user is what a good deployment looks like.
    @Test func aLoopbackListenerIsClean() async throws {
        let scratch = try TemporaryDirectory()
        try await retryingOnPortConflict {
            let port = try FreePort.allocate()
            let listener = try await LiveListener.tcp(host: "127.0.0.1", port: port, in: scratch)
            defer { listener.stop() }
            let spec = try scratch.write("greenroom.yml", "app:\n  listen: {host: 127.0.0.1, port: \(port)}\n")
            let (result, rules, _) = try await Self.checkLive(spec)
            #expect(result.status == 0 && rules.isEmpty, "\(result)")
        }
    }

    @Test func aListenerOnThisHostsNetworkAddressIsExposed() async throws {
        guard let address = LiveNetwork.externalIPv4.first else {
            try TestEnvironment.skip("this machine has no non-loopback IPv4 address")
        }
        let scratch = try TemporaryDirectory()
        try await retryingOnPortConflict {
            let port = try FreePort.allocate()
            let listener = try await LiveListener.tcp(host: address, port: port, in: scratch)
            defer { listener.stop() }
            let spec = try scratch.write("greenroom.yml", "app:\n  listen: {host: 127.0.0.1, port: \(port)}\n")
            let (result, rules, findings) = try await Self.checkLive(spec)
            #expect(rules == ["GR081", "GR082", "GR084"], "\(result.stdout)")
            #expect(Self.message(findings, "GR081").hasPrefix("\(address):\(port) listens on a non-loopback address"))
        }
    }

    /// The remote-proxy topology: binding this host's private address is expected, but this host
    /// is no balancer and nothing filters it, so the connection from here is a bypass.
    @Test func anAppHostWithoutItsAddressFilterIsReachable() async throws {
        guard let address = LiveNetwork.privateAddress else {
            try TestEnvironment.skip("this machine has no private (RFC 1918 or unique-local) address")
        }
        let scratch = try TemporaryDirectory()
        let balancer = address.isIPv6 ? "fd00:ffff::2" : "10.255.255.254"
        try await retryingOnPortConflict {
            let port = try FreePort.allocate()
            let listener = try await LiveListener.tcp(host: address.text, port: port, in: scratch)
            defer { listener.stop() }
            let spec = try scratch.write(
                "greenroom.yml",
                "app:\n  listen: {port: \(port)}\n  hosts:\n    addresses: [\"\(address.text)\"]\n    balancers: [\"\(balancer)\"]\n"
            )
            let (result, rules, findings) = try await Self.checkLive(spec)
            #expect(rules == ["GR084"], "\(result.stdout)")
            #expect(Self.message(findings, "GR084").contains("not a balancer"))
        }
    }

    @Test func unixSocketsOpenToEveryoneOrTheWrongGroup() async throws {
        let scratch = try TemporaryDirectory()
        let directory = try scratch.makeDirectory("run", mode: 0o777)
        let open = "\(directory)/open.sock"
        let grouped = "\(directory)/grouped.sock"
        let first = try await LiveListener.unix(path: open, mode: "666", in: scratch)
        defer { first.stop() }
        let second = try await LiveListener.unix(path: grouped, mode: "660", in: scratch)
        defer { second.stop() }
        for (path, expected) in [(open, "GR085"), (grouped, "GR086")] {
            let spec = try scratch.write("greenroom.yml", "app:\n  listen: {unix: \(path)}\n")
            let (result, rules, _) = try await Self.checkLive(spec)
            #expect(rules == [expected], "\(path): \(result.stdout)")
        }
    }

    // MARK: - greenroom serve behind nginx, and the probe

    /// A spec for `greenroom serve` on `app` behind nginx on loopback with TLS.
    static func deploymentSpec(
        _ scratch: TemporaryDirectory,
        _ certificate: SelfSignedCertificate,
        app: UInt16,
        http: UInt16,
        https: UInt16,
        headers: String = "x-forwarded"
    ) throws -> (path: String, spec: DeploymentSpec) {
        let text = """
            app:
              listen: {host: 127.0.0.1, port: \(app)}
              forwarded_headers: \(headers)
              limits: {shutdown_timeout: 1s}
            proxy:
              server_names: [localhost]
              listen:
                http: ["127.0.0.1:\(http)"]
                https: ["127.0.0.1:\(https)"]
              tls: {certificate: \(certificate.certificate), key: \(certificate.key)}
              hsts: off

            """
        let path = try scratch.write("greenroom.yml", text)
        let spec = try DeploymentSpec.load(path: path)
        return (path, spec)
    }

    /// Runs `body` with `greenroom serve` and nginx on fresh ports; the generated site sets
    /// X-Forwarded-For to `forwardedFor` instead of `$remote_addr`.
    static func withDeployment(
        headers: String = "x-forwarded",
        forwardedFor: String = "$remote_addr",
        _ body: (_ spec: String, _ https: UInt16) async throws -> Void
    ) async throws {
        _ = try NginxServer.executable()
        let scratch = try TemporaryDirectory()
        let certificate = try await SelfSignedCertificate.make(in: scratch)
        try await retryingOnPortConflict {
            let ports = try FreePort.allocate(3)
            let (path, spec) = try deploymentSpec(
                scratch,
                certificate,
                app: ports[0],
                http: ports[1],
                https: ports[2],
                headers: headers
            )
            let site = try Generator(spec: spec).files(for: .nginx)[0].contents.replacingOccurrences(
                of: "proxy_set_header X-Forwarded-For $remote_addr;",
                with: "proxy_set_header X-Forwarded-For \(forwardedFor);"
            )
            let file = try scratch.write("nginx-site/site.conf", site)
            let serve = try await ServeProcess.start(
                spec.app.serveArguments,
                readiness: .tcp(ports[0]),
                logDirectory: scratch
            )
            defer { serve.stop() }
            let nginx = try await NginxServer.start(in: scratch, httpIncludes: [file], ports: [ports[1], ports[2]])
            defer { nginx.stop() }
            try await body(path, ports[2])
        }
    }

    @Test func aGeneratedDeploymentPassesTheLiveCheckAndTheProbe() async throws {
        try await Self.withDeployment { spec, https in
            let (result, rules, findings) = try await Self.checkLive(
                spec,
                ["--probe-url", "https://localhost:\(https)/"]
            )
            #expect(result.status == 0, "\(result)")
            #expect(rules == ["GR088"], "\(result.stdout)")
            #expect(Self.message(findings, "GR088").contains("the app saw client 127.0.0.1 via x-forwarded-for"))
            #expect(Self.message(findings, "GR088").contains("scheme https, host localhost"))
        }
    }

    @Test(arguments: ["$http_x_forwarded_for", "$proxy_add_x_forwarded_for"])
    func nginxPassingTheClientsForwardedForFailsTheProbe(_ variable: String) async throws {
        try await Self.withDeployment(forwardedFor: variable) { spec, https in
            let (result, rules, findings) = try await Self.checkLive(
                spec,
                ["--probe-url", "https://localhost:\(https)/"]
            )
            #expect(result.status == 1, "\(result)")
            #expect(rules == ["GR087", "GR088"], "\(result.stdout)")
            #expect(Self.message(findings, "GR087").contains("198.51.100.66 from the probe's forged X-Forwarded-For"))
        }
    }

    /// With `forwarded_headers: both` and X-Forwarded-For authoritative (what the generated nginx
    /// writes itself), an nginx edited to pass the client's X-Forwarded-For through lets the
    /// forged address win over nginx's own Forwarded: a disagreement never falls back to nginx's
    /// address. The probe catches the misconfiguration.
    @Test func bothHeaderFamiliesBelieveTheAuthoritativeOneSoThePassedThroughForgeryShows() async throws {
        try await Self.withDeployment(headers: "both", forwardedFor: "$http_x_forwarded_for") { spec, https in
            let (result, rules, findings) = try await Self.checkLive(
                spec,
                ["--probe-url", "https://localhost:\(https)/"]
            )
            #expect(result.status == 1 && rules.contains("GR087"), "\(result.stdout)")
            #expect(Self.message(findings, "GR087").contains("198.51.100.66 from the probe's forged X-Forwarded-For"))
        }
    }

    @Test func aServeBoundToEverythingIsABypass() async throws {
        let scratch = try TemporaryDirectory()
        try await retryingOnPortConflict {
            let port = try FreePort.allocate()
            let serve = try await ServeProcess.start(
                ["--no-guard", "--host", "0.0.0.0", "--port", "\(port)", "--shutdown-timeout", "1"],
                readiness: .tcp(port),
                logDirectory: scratch
            )
            defer { serve.stop() }
            let spec = try scratch.write("greenroom.yml", "app:\n  listen: {host: 127.0.0.1, port: \(port)}\n")
            let (result, rules, _) = try await Self.checkLive(spec)
            #expect(result.status == 1)
            #expect(rules == (["GR080"] + Self.bypassesOfAnIPv4Wildcard).sorted(), "\(result.stdout)")
        }
    }
}
