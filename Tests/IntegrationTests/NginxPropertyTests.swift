import Foundation
import GreenroomDeploy
import Testing

/// Property: for random valid specs, the generated nginx files always pass `nginx -t`.
///
/// The specs are written as YAML and go through the whole pipeline (decode, validate, render).
/// Seeded and bounded: 50 specs from seed `GREENROOM_PROPERTY_SEED` (default 20261125), so a
/// failure names the seed and the spec and reproduces exactly.
@Suite struct NginxPropertyTests {
    static let count = 50
    static let seed = UInt64(ProcessInfo.processInfo.environment["GREENROOM_PROPERTY_SEED"] ?? "") ?? 20_261_125

    @Test func randomValidSpecsAlwaysPassNginxT() async throws {
        _ = try NginxServer.executable()
        let scratch = try TemporaryDirectory()
        let certificate = try await SelfSignedCertificate.make(in: scratch)
        var random = SeededGenerator(seed: Self.seed)
        var streamSpecs = 0
        for index in 0..<Self.count {
            let yaml = RandomSpec.yaml(using: &random, certificate: certificate, scratch: scratch)
            let spec: DeploymentSpec
            do {
                spec = try DeploymentSpec(yaml: yaml, file: "random-\(index).yml")
            } catch {
                Issue.record("seed \(Self.seed) spec \(index) does not decode: \(error)\n\(yaml)")
                continue
            }
            let files = try Generator(spec: spec).files(for: .nginx)
            if files.contains(where: { $0.path.hasSuffix("-stream.conf") }) { streamSpecs += 1 }
            let run = try TemporaryDirectory("greenroom-prop")
            let includes = DeploymentFixtures.nginxIncludes(try DeploymentFixtures.write(files, into: run, "site"))
            let result = try await NginxServer.test(in: run, httpIncludes: includes.http, mainIncludes: includes.main)
            #expect(result.succeeded, "seed \(Self.seed) spec \(index):\n\(yaml)\n\(result)")
        }
        // The generator must actually explore both shapes of nginx output.
        #expect(streamSpecs > 0 && streamSpecs < Self.count)
    }
}

/// Random, valid `greenroom.yml` texts.
enum RandomSpec {
    static func yaml(
        using random: inout SeededGenerator,
        certificate: SelfSignedCertificate,
        scratch: TemporaryDirectory
    ) -> String {
        func pick<T>(_ values: [T]) -> T { values.randomElement(using: &random)! }
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

        let name = pick(["greenroom", "shop-api", "a1", "web_2", "x"])
        let proxyProtocol = chance(20) ? "v1" : "off"
        let hostsMode = proxyProtocol == "off" && chance(15)
        let instances = Int.random(in: 1...4, using: &random)
        let maxConnections = Int.random(in: 600...10_000, using: &random)
        var app = "app:\n  name: \(name)\n  instances: \(instances)\n  proxy_protocol: \(proxyProtocol)\n"
        app += "  forwarded_headers: \(pick(["x-forwarded", "forwarded", "both"]))\n"
        let port = Int.random(in: 1024...60_000, using: &random)
        if hostsMode {
            app += "  listen: {port: \(port)}\n"
            app +=
                "  hosts:\n    addresses: [10.0.1.\(Int.random(in: 1...99, using: &random)), 10.0.2.\(Int.random(in: 1...99, using: &random))]\n"
            app += "    balancers: [10.0.0.\(Int.random(in: 1...9, using: &random))]\n"
        } else if chance(30) {
            app += "  listen: {unix: /run/\(name)/\(name).sock}\n"
        } else {
            app += "  listen: {host: \"\(pick(["127.0.0.1", "::1", "127.0.0.2"]))\", port: \(port)}\n"
        }
        app += "  limits:\n    max_connections: \(maxConnections)\n"
        app += "    max_body_bytes: \(pick(["1", "64k", "1m", "10m", "1g"]))\n"
        app += "    idle_timeout: \(pick(["2s", "9s", "30s", "75s", "5m"]))\n"

        var proxy = "proxy:\n  kind: nginx\n"
        proxy +=
            "  server_names: [\((0..<Int.random(in: 1...3, using: &random)).map { "h\($0).\(pick(["example.com", "test", "localhost"]))" }.joined(separator: ", "))]\n"
        let tls = chance(60)
        let ports = (0..<2).map { _ in Int.random(in: 1025...65_000, using: &random) }
        let httpPort = ports[0]
        let httpsPort = ports[1] == ports[0] ? ports[0] + 1 : ports[1]
        proxy += "  listen:\n    http: [\(httpPort), \"[::]:\(httpPort)\"]\n"
        if tls {
            proxy += "    https: [\"127.0.0.1:\(httpsPort)\"]\n"
            proxy += "  tls:\n    certificate: \(certificate.certificate)\n    key: \(certificate.key)\n"
            if chance(50) { proxy += "    acme_webroot: \(scratch.path)\n" }
            proxy += "  redirect_http: \(chance(70))\n"
            proxy += "  hsts: \(pick(["true", "false", "{max_age: 1d, include_subdomains: true, preload: true}"]))\n"
        }
        proxy += "  security_headers: \(chance(70))\n  gzip: \(chance(50))\n"
        proxy += "  upstream_keepalive: \(Int.random(in: 1...min(1024, maxConnections - 1), using: &random))\n"
        proxy +=
            "  timeouts: {connect: \(pick(["1s", "5s"])), read: \(pick(["30s", "60s", "2m"])), websocket: \(pick(["10m", "1h"]))}\n"
        if chance(50) { proxy += "  websocket_paths: [\(pick(["/ws/", "/socket", "/live/updates/"]))]\n" }
        if proxyProtocol == "off" {
            if chance(40) {
                proxy +=
                    "  static_files: [{path: /assets/, directory: \(scratch.path), expires: \(pick(["1h", "30m"]))}]\n"
            }
            if chance(30) {
                proxy += "  rate_limit: {requests_per_second: \(Int.random(in: 1...500, using: &random))}\n"
            }
        }
        if chance(30) {
            let header =
                proxyProtocol == "v1"
                ? "proxy_protocol" : pick(["X-Forwarded-For", "X-Real-IP", "CF-Connecting-IP", "proxy_protocol"])
            proxy += "  real_ip: {from: [192.0.2.0/24, \"2001:db8::/32\"], header: \(header)}\n"
        }
        let systemd = "systemd:\n  hardening: \(chance(90))\n"
        return app + proxy + systemd
    }
}
