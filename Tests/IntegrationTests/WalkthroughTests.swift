import Foundation
import Testing

/// The README's five-minute deployment, black-box through the `greenroom` binary, with real
/// nginx, Apache httpd and HAProxy: `init`, `generate all` on the untouched spec, `check`, then
/// the same spec adapted to this machine, `serve --config`, the proxy on the generated file,
/// `curl -k https://localhost:<port>/whoami` with forged headers, and `check --live --probe-url`.
@Suite(.serialized) struct WalkthroughTests {
    /// The proxy a user picks, and what the spec says for it.
    enum Proxy: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case nginx
        case apache
        /// HAProxy sends the PROXY protocol v2 to the app.
        case haproxy

        var testDescription: String { self == .haproxy ? "haproxy with PROXY v2" : rawValue }
        var proxyProtocol: String { self == .haproxy ? "v2" : "off" }
        /// The generated file the proxy runs, under `deploy-out/`.
        var generatedFile: String {
            switch self {
            case .nginx: "nginx/greenroom.conf"
            case .apache: "apache/greenroom.conf"
            case .haproxy: "haproxy/greenroom.cfg"
            }
        }
        /// `check`'s flag for that file.
        var checkFlags: (String) -> [String] {
            switch self {
            case .nginx: { ["--nginx", $0] }
            case .apache: { ["--apache", $0] }
            case .haproxy: { ["--haproxy", $0] }
            }
        }
    }

    @Test(arguments: Proxy.allCases)
    func quickStart(_ proxy: Proxy) async throws {
        switch proxy {
        case .nginx: _ = try NginxServer.executable()
        case .apache: _ = try ApacheServer.executable()
        case .haproxy: _ = try HAProxyServer.executable()
        }
        let home = try TemporaryDirectory("greenroom-walk")
        let spec = home.file("greenroom.yml")

        // greenroom init; edit nothing; greenroom generate all --out deploy-out;
        // greenroom check --generated deploy-out.
        let initialized = try await GreenroomBinary.run(["init"], currentDirectory: home.path)
        #expect(initialized.succeeded && initialized.stdout.contains("wrote greenroom.yml"), "\(initialized)")
        let untouched = try await GreenroomBinary.run(
            ["generate", "all", "--out", "deploy-out"],
            currentDirectory: home.path
        )
        #expect(untouched.succeeded, "\(untouched)")
        let sitePath = home.file("deploy-out/nginx/greenroom.conf")
        let site = try String(contentsOfFile: sitePath, encoding: .utf8)
        #expect(site.contains("server 127.0.0.1:8000"), "the app on loopback:\n\(site)")
        #expect(site.contains("server_name localhost;") && !site.contains("ssl_certificate"), "plain HTTP:\n\(site)")
        #expect(FileManager.default.fileExists(atPath: home.file("deploy-out/systemd/greenroom.service")))
        // `nginx -t` on the untouched output, as on a fresh machine: no certificate to fetch first.
        if proxy == .nginx {
            let tested = try await NginxServer.test(in: home, httpIncludes: [sitePath])
            #expect(tested.succeeded, "nginx -t on what init + generate wrote: \(tested)")
        }
        // As the README: `greenroom check --generated deploy-out`.
        let staticCheck = try await GreenroomCheck.run(["--generated", "deploy-out"], currentDirectory: home.path)
        #expect(staticCheck.result.status == 0 && staticCheck.findings.isEmpty, "nothing to report: \(staticCheck)")
        // The spec, the proxy's file and the two units were read (not an empty directory passed).
        let summary =
            (try? JSONSerialization.jsonObject(with: Data(staticCheck.result.stdout.utf8)) as? [String: Any])?[
                "summary"
            ] as? [String: Any]
        #expect((summary?["files"] as? [String])?.count == 4, "\(staticCheck)")

        let certificate = try await SelfSignedCertificate.make(in: home)
        // init's text, read once: a retry after a port conflict adapts it again, not the spec the
        // failed attempt wrote (whose commented production lines are already turned on).
        let initText = try String(contentsOfFile: spec, encoding: .utf8)
        try await retryingOnPortConflict {
            try await withTeardown { teardown in
                let ports = try FreePort.allocate(3)
                let (app, http, https) = (ports[0], ports[1], ports[2])
                // The production step: the deployment values a user adapts, and only those, written
                // into the spec and regenerated (never edited in the outputs): the commented TLS
                // lines turned on, ports 8000/80/443 become free loopback ports (a test may not take
                // them), Let's Encrypt's files become the test's self-signed certificate, the ACME
                // webroot moves into the test's directory, and the spec names the proxy this row
                // runs (with PROXY v2 for HAProxy, as the README says).
                var adapted = QuickStartSpec(initText)
                try adapted.adapt(
                    app: app,
                    http: http,
                    https: https,
                    certificate: certificate,
                    acmeWebroot: try home.makeDirectory("acme"),
                    proxy: proxy.rawValue,
                    proxyProtocol: proxy.proxyProtocol
                )
                try home.write("greenroom.yml", adapted.text)
                let generated = try await GreenroomBinary.run(
                    ["generate", "all", "--out", "deploy-out", "--force"],
                    currentDirectory: home.path
                )
                #expect(generated.succeeded, "\(generated)")
                let proxyFile = home.file("deploy-out/\(proxy.generatedFile)")

                let serve = try await ServeProcess.start(["--config", spec], readiness: .tcp(app), logDirectory: home)
                teardown.add { serve.stop() }
                let daemon: any ProxyDaemon
                switch proxy {
                case .nginx:
                    daemon = try await NginxServer.start(in: home, httpIncludes: [proxyFile], ports: [http, https])
                case .apache:
                    daemon = try await ApacheServer.start(
                        in: home,
                        includes: [proxyFile],
                        modules: ApacheServer.modules(
                            requiredBy: try String(contentsOfFile: proxyFile, encoding: .utf8)
                        ),
                        ports: [http, https]
                    )
                case .haproxy:
                    daemon = try await HAProxyServer.start(config: proxyFile, ports: [http, https], logDirectory: home)
                }
                teardown.add { daemon.stop() }

                let response = try await Curl.request(
                    "https://localhost:\(https)/whoami",
                    headers: ProxyWhoamiTests.forged,
                    resolve: ["localhost:\(https):127.0.0.1"]
                )
                let context = "\(proxy): \(response)\napp:\n\(serve.output)"
                try #require(response.status == 200, "\(context)")
                let seen = try ProxyWhoamiTests.Whoami(response)
                #expect(seen.client == "127.0.0.1", "the real client, whatever it forged: \(context)")
                #expect(seen.scheme == "https", "\(context)")
                #expect(seen.host?.hasPrefix("localhost") == true, "\(context)")
                #expect(seen.via != "peer", "the app used what the proxy told it: \(context)")
                if proxy == .haproxy { #expect(seen.via == "proxy-protocol", "\(context)") }

                let live = try await GreenroomCheck.run(
                    ["--config", spec] + proxy.checkFlags(proxyFile) + [
                        "--live", "--probe-url", "https://localhost:\(https)/",
                    ]
                )
                #expect(live.result.status == 0, "check --live must be clean: \(live)")
                #expect(live.findings.allSatisfy { $0.severity == "info" }, "no errors, no warnings: \(live)")
                let probe = live.findings("GR088")
                #expect(probe.count == 1 && probe[0].message.contains("the app saw client 127.0.0.1"), "\(live)")
                #expect(live.findings("GR087").isEmpty && live.findings("GR089").isEmpty, "\(live)")
            }
        }
    }
}
