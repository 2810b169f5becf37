import Foundation
import GreenroomCore
import GreenroomDeploy
import Testing

/// Every header name the server strips from untrusted peers (``HeaderSanitizer``), in its usual
/// spelling and with `_` for `-`, sent by a client through each real generated proxy to an echo
/// backend on the app's address: none may arrive with the client's value. The app trusts its
/// proxy, so whatever the proxy passes on, the app (or a library in it) may believe.
@Suite(.serialized) struct ProxyClearedHeaderTests {
    static let marker = "198.51.100.123"

    /// One line per name and spelling, each carrying the marker.
    static let forgedLines: [String] = HeaderSanitizer.canonicalForwardingHeaderNames.flatMap { name in
        let underscored = name.replacingOccurrences(of: "-", with: "_")
        return underscored == name ? ["\(name): \(marker)"] : ["\(name): \(marker)", "\(underscored): \(marker)"]
    }

    @Test(arguments: [ProxySpec.Kind.nginx, .apache, .haproxy])
    func noForgeableHeaderReachesTheApp(_ kind: ProxySpec.Kind) async throws {
        switch kind {
        case .nginx: _ = try NginxServer.executable()
        case .apache: _ = try ApacheServer.executable()
        default: _ = try HAProxyServer.executable()
        }
        let edit: (inout DeploymentSpec) -> Void = { $0.proxy.kind = kind }
        try await ProxyWhoamiTests.withTCPSpec(edit: edit) { spec, ports, scratch in
            let backend = try EchoBackend(port: ports.app)
            defer { backend.stop() }
            let daemon: any ProxyDaemon
            switch kind {
            case .nginx:
                let files = try DeploymentFixtures.write(
                    try Generator(spec: spec).files(for: .nginx),
                    into: scratch,
                    "nginx-site"
                )
                daemon = try await NginxServer.start(
                    in: scratch,
                    httpIncludes: files,
                    ports: [ports.http, ports.https]
                )
            case .apache:
                let generated = try Generator(spec: spec).files(for: .apache)
                daemon = try await ApacheServer.start(
                    in: scratch,
                    includes: try DeploymentFixtures.write(generated, into: scratch, "apache-site"),
                    modules: ApacheServer.modules(requiredBy: generated[0].contents),
                    ports: [ports.http, ports.https]
                )
            default:
                let files = try DeploymentFixtures.write(
                    try Generator(spec: spec).files(for: .haproxy),
                    into: scratch,
                    "haproxy"
                )
                daemon = try await HAProxyServer.start(
                    config: files[0],
                    ports: [ports.http, ports.https],
                    logDirectory: scratch
                )
            }
            defer { daemon.stop() }
            _ = try await ProxyHeaderTests.get(ports.https, headers: Self.forgedLines)
            let request = try #require(backend.clientRequests.first)
            let reached = request.headers.filter { $0.value.contains(Self.marker) }
            #expect(reached.isEmpty, "\(kind) passed the client's headers on: \(reached)")
            // The control: the request did go through, with the proxy's own view of the client.
            #expect(request.value("X-Real-IP") == "127.0.0.1", "\(kind): \(request.headers)")
        }
    }
}
