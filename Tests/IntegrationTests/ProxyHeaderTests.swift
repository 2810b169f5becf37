import Foundation
import GreenroomCore
import GreenroomDeploy
import Testing

/// What the app receives through each generated proxy config, recorded by an echo backend on
/// the app's address: the proxy's own forwarding headers, none of the client's forged ones, and
/// the PROXY header when the spec asks for one. Independent of `greenroom serve`.
@Suite(.serialized) struct ProxyHeaderTests {
    static let forged = ProxyWhoamiTests.forged
    static let clearedHeaders = [
        "True-Client-IP", "CF-Connecting-IP", "X-Forwarded-Prefix", "X-Forwarded-Server-Forged",
    ]

    static func get(
        _ port: UInt16,
        _ path: String = "/whoami",
        https: Bool = true,
        headers: [String] = forged
    ) async throws -> CurlResponse {
        let scheme = https ? "https" : "http"
        let response = try await Curl.request(
            "\(scheme)://localhost:\(port)\(path)",
            headers: headers,
            resolve: ["localhost:\(port):127.0.0.1"]
        )
        #expect(response.status == 200, "\(response)")
        return response
    }

    /// The forwarding headers every HTTP-mode proxy must send for a client on 127.0.0.1 over TLS.
    static func expectProxyHeaders(
        _ request: EchoBackend.Request,
        httpsPort: UInt16,
        host: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        #expect(
            request.values("X-Forwarded-For") == ["127.0.0.1"],
            "\(request.headers)",
            sourceLocation: sourceLocation
        )
        #expect(request.value("X-Forwarded-Proto") == "https", sourceLocation: sourceLocation)
        #expect(request.value("X-Forwarded-Host") == host, sourceLocation: sourceLocation)
        #expect(request.value("X-Forwarded-Port") == "\(httpsPort)", sourceLocation: sourceLocation)
        #expect(
            request.values("Forwarded") == ["for=127.0.0.1;proto=https"],
            "\(request.headers)",
            sourceLocation: sourceLocation
        )
        #expect(request.value("X-Real-IP") == "127.0.0.1", sourceLocation: sourceLocation)
        for header in ["True-Client-IP", "CF-Connecting-IP"] {
            #expect(request.values(header).isEmpty, "\(header) reached the app", sourceLocation: sourceLocation)
        }
        #expect(
            !request.headers.contains { $0.value.contains("198.51.100.") || $0.value.contains("evil.example") },
            "forged value reached the app: \(request.headers)",
            sourceLocation: sourceLocation
        )
    }

    @Test func nginxSendsItsOwnForwardingHeadersAndReusesUpstreamConnections() async throws {
        _ = try NginxServer.executable()
        try await ProxyWhoamiTests.withTCPSpec { spec, ports, scratch in
            let files = try DeploymentFixtures.write(
                try Generator(spec: spec).files(for: .nginx),
                into: scratch,
                "nginx-site"
            )
            let backend = try EchoBackend(port: ports.app)
            defer { backend.stop() }
            let nginx = try await NginxServer.start(in: scratch, httpIncludes: files, ports: [ports.http, ports.https])
            defer { nginx.stop() }
            for _ in 0..<3 { _ = try await Self.get(ports.https) }
            let requests = backend.clientRequests
            try #require(requests.count == 3)
            Self.expectProxyHeaders(requests[0], httpsPort: ports.https, host: "localhost")
            #expect(requests[0].value("Host") == "localhost")
            #expect(requests[0].values("Connection").isEmpty, "Connection must be cleared for upstream keep-alive")
            #expect(
                Set(requests.map(\.connection)).count == 1,
                "upstream keep-alive: one connection for sequential requests"
            )
        }
    }

    @Test func nginxStreamSendsProxyProtocolV1AndNothingElse() async throws {
        _ = try NginxServer.executable()
        let edit: (inout DeploymentSpec) -> Void = { $0.app.proxyProtocol = .v1 }
        try await ProxyWhoamiTests.withTCPSpec(edit: edit) { spec, ports, scratch in
            let includes = DeploymentFixtures.nginxIncludes(
                try DeploymentFixtures.write(try Generator(spec: spec).files(for: .nginx), into: scratch, "nginx-site")
            )
            let backend = try EchoBackend(port: ports.app, expectsProxyHeader: true)
            defer { backend.stop() }
            let nginx = try await NginxServer.start(
                in: scratch,
                httpIncludes: includes.http,
                mainIncludes: includes.main,
                ports: [ports.http, ports.https]
            )
            defer { nginx.stop() }
            _ = try await Self.get(ports.https)
            let request = try #require(backend.clientRequests.first)
            let header = try #require(backend.proxyHeaders[request.connection])
            #expect(header.hasPrefix("PROXY TCP4 127.0.0.1 127.0.0.1 "), "\(header)")
            #expect(header.hasSuffix(" \(ports.https)"), "\(header)")
            // HTTP passes through untouched; the app ignores these because the PROXY source is not trusted.
            #expect(request.value("X-Forwarded-For") == "198.51.100.66")
        }
    }

    @Test func nginxBehindATrustedOuterBalancerKeepsItsChain() async throws {
        _ = try NginxServer.executable()
        let edit: (inout DeploymentSpec) -> Void = {
            $0.proxy.realIP = ProxySpec.RealIP(from: [CIDR.loopbackV4], header: "X-Forwarded-For")
        }
        try await ProxyWhoamiTests.withTCPSpec(edit: edit) { spec, ports, scratch in
            let files = try DeploymentFixtures.write(
                try Generator(spec: spec).files(for: .nginx),
                into: scratch,
                "nginx-site"
            )
            let backend = try EchoBackend(port: ports.app)
            defer { backend.stop() }
            let nginx = try await NginxServer.start(in: scratch, httpIncludes: files, ports: [ports.http, ports.https])
            defer { nginx.stop() }
            _ = try await Self.get(ports.https, headers: ["X-Forwarded-For: 198.51.100.66, 203.0.113.9"])
            let request = try #require(backend.clientRequests.first)
            // realip took 203.0.113.9 (the balancer's view); the app takes the right-most untrusted hop.
            #expect(request.value("X-Forwarded-For") == "198.51.100.66, 203.0.113.9, 203.0.113.9")
            #expect(request.value("X-Real-IP") == "203.0.113.9")
            #expect(request.value("Forwarded")?.hasPrefix("for=203.0.113.9;") == true)
        }
    }

    @Test func apacheReplacesForwardingHeaders() async throws {
        _ = try ApacheServer.executable()
        let edit: (inout DeploymentSpec) -> Void = { $0.proxy.kind = .apache }
        try await ProxyWhoamiTests.withTCPSpec(edit: edit) { spec, ports, scratch in
            let generated = try Generator(spec: spec).files(for: .apache)
            let files = try DeploymentFixtures.write(generated, into: scratch, "apache-site")
            let backend = try EchoBackend(port: ports.app)
            defer { backend.stop() }
            let apache = try await ApacheServer.start(
                in: scratch,
                includes: files,
                modules: ApacheServer.modules(requiredBy: generated[0].contents),
                ports: [ports.http, ports.https]
            )
            defer { apache.stop() }
            _ = try await Self.get(ports.https)
            let request = try #require(backend.clientRequests.first)
            Self.expectProxyHeaders(request, httpsPort: ports.https, host: "localhost:\(ports.https)")
            #expect(request.value("Host") == "localhost:\(ports.https)")
        }
    }

    @Test func apacheBehindATrustedOuterBalancerUsesRemoteIP() async throws {
        _ = try ApacheServer.executable()
        let edit: (inout DeploymentSpec) -> Void = {
            $0.proxy.kind = .apache
            $0.proxy.realIP = ProxySpec.RealIP(from: [CIDR.loopbackV4], header: "X-Forwarded-For")
        }
        try await ProxyWhoamiTests.withTCPSpec(edit: edit) { spec, ports, scratch in
            let generated = try Generator(spec: spec).files(for: .apache)
            let files = try DeploymentFixtures.write(generated, into: scratch, "apache-site")
            let backend = try EchoBackend(port: ports.app)
            defer { backend.stop() }
            let apache = try await ApacheServer.start(
                in: scratch,
                includes: files,
                modules: ApacheServer.modules(requiredBy: generated[0].contents),
                ports: [ports.http, ports.https]
            )
            defer { apache.stop() }
            _ = try await Self.get(ports.https, headers: ["X-Forwarded-For: 198.51.100.66, 203.0.113.9"])
            let request = try #require(backend.clientRequests.first)
            #expect(request.value("X-Forwarded-For")?.hasSuffix("203.0.113.9") == true, "\(request.headers)")
            #expect(request.value("X-Real-IP") == "203.0.113.9", "\(request.headers)")
        }
    }

    @Test func haproxyReplacesForwardingHeaders() async throws {
        _ = try HAProxyServer.executable()
        let edit: (inout DeploymentSpec) -> Void = { $0.proxy.kind = .haproxy }
        try await ProxyWhoamiTests.withTCPSpec(edit: edit) { spec, ports, scratch in
            let files = try DeploymentFixtures.write(
                try Generator(spec: spec).files(for: .haproxy),
                into: scratch,
                "haproxy"
            )
            let backend = try EchoBackend(port: ports.app)
            defer { backend.stop() }
            let haproxy = try await HAProxyServer.start(
                config: files[0],
                ports: [ports.http, ports.https],
                logDirectory: scratch
            )
            defer { haproxy.stop() }
            _ = try await Self.get(ports.https)
            let request = try #require(backend.clientRequests.first)
            Self.expectProxyHeaders(request, httpsPort: ports.https, host: "localhost:\(ports.https)")
        }
    }

    @Test func haproxySendsProxyProtocolV2WithTLSDetails() async throws {
        _ = try HAProxyServer.executable()
        let edit: (inout DeploymentSpec) -> Void = {
            $0.proxy.kind = .haproxy
            $0.app.proxyProtocol = .v2
        }
        try await ProxyWhoamiTests.withTCPSpec(edit: edit) { spec, ports, scratch in
            let files = try DeploymentFixtures.write(
                try Generator(spec: spec).files(for: .haproxy),
                into: scratch,
                "haproxy"
            )
            let backend = try EchoBackend(port: ports.app, expectsProxyHeader: true)
            defer { backend.stop() }
            let haproxy = try await HAProxyServer.start(
                config: files[0],
                ports: [ports.http, ports.https],
                logDirectory: scratch
            )
            defer { haproxy.stop() }
            _ = try await Self.get(ports.https)
            let request = try #require(backend.clientRequests.first)
            let header = try #require(backend.proxyHeaders[request.connection])
            #expect(header.hasPrefix("v2 PROXY 127.0.0.1:"), "\(header)")
            #expect(!header.hasSuffix("tlv-bytes=0"), "send-proxy-v2-ssl adds the SSL TLV: \(header)")
            #expect(
                request.values("X-Forwarded-For").isEmpty && request.values("Forwarded").isEmpty,
                "\(request.headers)"
            )
        }
    }
}
