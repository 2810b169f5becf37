import Foundation
import GreenroomConfigParsing
import GreenroomCore
import GreenroomDeploy
import GreenroomGuard
import Testing

@Suite struct AppExpectationTests {
    typealias Address = ProxyEndpoint.Address

    @Test(arguments: [
        ("127.0.0.1", Address.tcp(host: "127.0.0.1", port: 8000), "reaches"),
        ("127.0.0.1", .tcp(host: "127.0.0.1", port: 8001), "misses"),
        ("127.0.0.1", .tcp(host: "localhost", port: 8000), "reaches"),
        ("127.0.0.1", .tcp(host: "::1", port: 8000), "misses"),
        ("127.0.0.1", .tcp(host: "::ffff:127.0.0.1", port: 8000), "reaches"),
        ("127.0.0.1", .tcp(host: "0.0.0.0", port: 8000), "reaches"),
        ("127.0.0.1", .tcp(host: "backend.internal", port: 8000), "unknown"),
        ("127.0.0.1", .unix(path: "/run/app.sock"), "misses"),
        ("::1", .tcp(host: "localhost", port: 8000), "reaches"),
        ("::1", .tcp(host: "127.0.0.1", port: 8000), "misses"),
        ("[::1]", .tcp(host: "::1", port: 8000), "reaches"),
        ("0.0.0.0", .tcp(host: "10.0.0.5", port: 8000), "reaches"),
        ("0.0.0.0", .tcp(host: "::1", port: 8000), "misses"),
        ("::", .tcp(host: "127.0.0.1", port: 8000), "reaches"),
        ("10.0.0.5", .tcp(host: "10.0.0.5", port: 8000), "reaches"),
        ("10.0.0.5", .tcp(host: "127.0.0.1", port: 8000), "misses"),
    ])
    func tcpMatching(_ bindHost: String, _ target: Address, _ expected: String) {
        let app = AppExpectation(host: bindHost, port: 8000)
        let verdict: String
        switch app.match(target) {
        case .reaches: verdict = "reaches"
        case .misses: verdict = "misses"
        case .unknown: verdict = "unknown"
        }
        #expect(verdict == expected)
    }

    @Test func unixSocketsMatchByNormalisedPath() {
        let app = AppExpectation(binds: [.unix(path: "/run/greenroom/app.sock")])
        #expect(
            app.match(.unix(path: "/run/greenroom//./app.sock")) == .reaches(.unix(path: "/run/greenroom/app.sock"))
        )
        #expect(app.match(.unix(path: "/run/other.sock")) == .misses)
        #expect(app.match(.tcp(host: "127.0.0.1", port: 8000)) == .misses)
    }

    @Test(arguments: [
        ("127.0.0.1:8000", "127.0.0.1", 8000),
        ("[::1]:8000", "::1", 8000),
        ("[::1]", "::1", 80),
        ("localhost", "localhost", 80),
        ("app", "app", 80),
    ])
    func hostPortSplitting(_ text: String, _ host: String, _ port: Int) throws {
        let split = try #require(ProxyEndpoint.splitHostPort(text, defaultPort: 80))
        #expect(split.host == host && split.port == port)
    }

    @Test(arguments: ["127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "[::1]x", "[::1"])
    func badPortsAreRefused(_ text: String) {
        #expect(ProxyEndpoint.splitHostPort(text, defaultPort: 80) == nil)
    }
}

/// `AppExpectation(spec:)`: the nginx and Apache rules see what the spec says the app expects.
@Suite struct AppExpectationFromSpecTests {
    @Test func bindsTrustAndHeadersComeFromTheSpec() throws {
        let spec = try DeploymentSpec.parse(
            yaml: """
                app:
                  instances: 2
                  hosts: {addresses: [10.0.0.11, 10.0.0.12], balancers: [10.0.0.2]}
                  forwarded_headers: forwarded
                  proxy_protocol: v1
                  hops: 1
                proxy:
                  websocket_paths: [/ws/]
                  real_ip: {from: [192.0.2.0/24], header: proxy_protocol}
                """
        )
        let app = AppExpectation(spec: spec)
        #expect(
            app.binds.map(\.description) == ["10.0.0.11:8000", "10.0.0.11:8001", "10.0.0.12:8000", "10.0.0.12:8001"]
        )
        #expect(app.trust == TrustedProxies(entries: [.cidr(CIDR("10.0.0.2")!)]))
        #expect(app.forwardedHeaders == [.forwarded])
        #expect(app.proxyProtocol == .required && app.hops == 1)
        #expect(app.websocketPaths == ["/ws/"] && app.outerProxies == [CIDR("192.0.2.0/24")!])

        let unix = AppExpectation(spec: try DeploymentSpec.parse(yaml: "app:\n  listen: {unix: /run/app/app.sock}\n"))
        #expect(unix.binds == [.unix(path: "/run/app/app.sock")] && unix.trust.trustsUnixPeers)
        let plain = AppExpectation(spec: .defaults)
        #expect(plain.binds == [.tcp(host: "127.0.0.1", port: 8000)] && plain.forwardedHeaders.count == 6)
    }

    /// Every nginx and Apache reference configuration, rendered from its spec and checked with
    /// that spec's expectation, is clean: the rules and the generator agree.
    @Test func everyGeneratedProxyConfigIsCleanAgainstItsSpec() throws {
        let text = try String(contentsOfFile: "\(Corpus.packageRoot)/deploy/greenroom.example.yml", encoding: .utf8)
        let example = try DeploymentSpec(yaml: text)
        var checked = 0
        for reference in ReferenceConfig.all(example: example) where [.nginx, .apache].contains(reference.target) {
            let files = try Generator(spec: reference.spec).files(for: reference.target)
            var texts: [String: String] = [:]
            for file in files { texts["/etc/proxy/\(file.path)"] = file.contents }
            let app = AppExpectation(spec: reference.spec)
            let report: Report
            if reference.target == .nginx {
                let http = files.filter { !$0.path.hasSuffix("-stream.conf") }.map {
                    "    include /etc/proxy/\($0.path);"
                }
                let main = files.filter { $0.path.hasSuffix("-stream.conf") }.map { "include /etc/proxy/\($0.path);" }
                texts["/etc/proxy/nginx.conf"] =
                    "events {}\nhttp {\n\(http.joined(separator: "\n"))\n}\n\(main.joined(separator: "\n"))\n"
                report = try ProxyConfigCheck.nginx(
                    "/etc/proxy/nginx.conf",
                    app: app,
                    fileSystem: InMemoryFileSystem(texts: texts)
                )
            } else {
                report = try ProxyConfigCheck.apache(
                    "/etc/proxy/\(files[0].path)",
                    app: app,
                    fileSystem: InMemoryFileSystem(texts: texts)
                )
            }
            #expect(report.findings.isEmpty, "\(reference.directory):\n\(report.render(.human))")
            checked += 1
        }
        #expect(checked >= 7)
    }
}

extension AppExpectationFromSpecTests {
    /// `app.listen.hosts`: the proxy may reach the app on any of them, so `localhost` (both
    /// loopback families) is no longer a half-reachable name (GR021).
    @Test func everyListenHostIsABind() throws {
        let spec = try DeploymentSpec.parse(yaml: "app:\n  listen: {hosts: [127.0.0.1, \"::1\"], port: 8000}\n")
        let app = AppExpectation(spec: spec)
        #expect(app.binds == [.tcp(host: "127.0.0.1", port: 8000), .tcp(host: "::1", port: 8000)])
    }
}
