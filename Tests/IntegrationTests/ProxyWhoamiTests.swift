import Foundation
import GreenroomCore
import GreenroomDeploy
import Testing

/// The generated configs in front of a real `greenroom serve`: nginx, Apache httpd and HAProxy
/// start on loopback ports with exactly the files `greenroom generate` writes, and `/whoami`
/// must report the client, scheme and host the proxy saw, whatever forwarding headers the
/// client forged.
///
/// These need the server (`greenroom serve`); until it is in the build they skip with a printed
/// reason (and fail under `CI=true`).
@Suite(.serialized) struct ProxyWhoamiTests {
    /// Headers a client forges to choose its own address, scheme and host.
    static let forged = [
        "X-Forwarded-For: 198.51.100.66", "Forwarded: for=198.51.100.77;proto=http;host=evil.example",
        "X-Real-IP: 198.51.100.88", "X-Forwarded-Proto: http", "X-Forwarded-Host: evil.example",
        "X-Forwarded-Port: 1", "True-Client-IP: 198.51.100.99", "CF-Connecting-IP: 198.51.100.99",
    ]

    /// What `/whoami` said.
    struct Whoami {
        let client: String?
        let scheme: String?
        let host: String?
        let via: String

        init(_ response: CurlResponse) throws {
            let json = try response.json()
            client = json["client"] as? String
            scheme = json["scheme"] as? String
            host = json["host"] as? String
            via = "\(json["via"] ?? "")"
        }
    }

    /// The example spec on loopback ports, with test certificates and the app on `app`.
    static func spec(
        _ scratch: TemporaryDirectory,
        _ certificate: SelfSignedCertificate,
        app listen: AppSpec.Listen,
        http: UInt16,
        https: UInt16,
        edit: (inout DeploymentSpec) -> Void = { _ in }
    ) throws -> DeploymentSpec {
        var spec = DeploymentFixtures.onLoopback(try DeploymentFixtures.example(), http: http, https: https)
        spec.app.listen = listen
        if case .unix = listen { spec.app.trust = TrustedProxies(entries: [.unix]) }
        edit(&spec)
        spec = try DeploymentFixtures.localized(spec, in: scratch, certificate: certificate)
        #expect(spec.problems().isEmpty, "\(spec.problems())")
        return spec
    }

    /// Loopback ports for a TCP deployment: the app's, the proxy's HTTP and HTTPS.
    struct Ports {
        let app: UInt16
        let http: UInt16
        let https: UInt16
    }

    /// The example spec with the app on 127.0.0.1 and test certificates, edited by `edit`, in a
    /// fresh scratch directory; `body` runs again with new ports when one was taken meanwhile.
    static func withTCPSpec(
        edit: (inout DeploymentSpec) -> Void = { _ in },
        _ body: (DeploymentSpec, Ports, TemporaryDirectory) async throws -> Void
    ) async throws {
        let scratch = try TemporaryDirectory()
        let certificate = try await SelfSignedCertificate.make(in: scratch)
        try await retryingOnPortConflict {
            let allocated = try FreePort.allocate(3)
            let ports = Ports(app: allocated[0], http: allocated[1], https: allocated[2])
            let spec = try Self.spec(
                scratch,
                certificate,
                app: .tcp(host: .loopbackV4, port: ports.app),
                http: ports.http,
                https: ports.https,
                edit: edit
            )
            try await body(spec, ports, scratch)
        }
    }

    static func startServe(_ spec: DeploymentSpec, _ scratch: TemporaryDirectory) async throws -> ServeProcess {
        let readiness: ServeProcess.Readiness
        switch spec.app.listen {
        case .tcp(_, let port): readiness = .tcp(port)
        case .unix(let path): readiness = .unix(path)
        }
        return try await ServeProcess.start(spec.app.serveArguments, readiness: readiness, logDirectory: scratch)
    }

    static func whoami(https port: UInt16, headers: [String] = forged) async throws -> (CurlResponse, Whoami) {
        let response = try await Curl.request(
            "https://localhost:\(port)/whoami",
            headers: headers,
            resolve: ["localhost:\(port):127.0.0.1"]
        )
        #expect(response.status == 200, "\(response)")
        return (response, try Whoami(response))
    }

    // MARK: - nginx

    @Test func nginxWithATCPUpstream() async throws {
        _ = try NginxServer.executable()
        try await Self.withTCPSpec { spec, ports, scratch in
            let files = try DeploymentFixtures.write(
                try Generator(spec: spec).files(for: .nginx),
                into: scratch,
                "nginx-site"
            )
            let serve = try await Self.startServe(spec, scratch)
            defer { serve.stop() }
            let nginx = try await NginxServer.start(in: scratch, httpIncludes: files, ports: [ports.http, ports.https])
            defer { nginx.stop() }

            let (_, seen) = try await Self.whoami(https: ports.https)
            #expect(seen.client == "127.0.0.1", "forged headers must not win: \(seen)")
            #expect(seen.scheme == "https")
            #expect(seen.host == "localhost")
            #expect(!seen.via.isEmpty && seen.via != "peer", "the app must have used the proxy's header: \(seen.via)")

            let redirect = try await Curl.request(
                "http://localhost:\(ports.http)/whoami?x=1",
                resolve: ["localhost:\(ports.http):127.0.0.1"]
            )
            #expect(redirect.status == 301)
            #expect(redirect.header("Location") == "https://localhost:\(ports.https)/whoami?x=1")

            // ACME challenges come from disk, before and apart from the app.
            let webroot = try #require(spec.proxy.tls?.acmeWebroot)
            try scratch.makeDirectory("acme/.well-known/acme-challenge")
            try "token-123\n".write(
                toFile: "\(webroot)/.well-known/acme-challenge/abc",
                atomically: true,
                encoding: .utf8
            )
            let challenge = try await Curl.request(
                "http://localhost:\(ports.http)/.well-known/acme-challenge/abc",
                resolve: ["localhost:\(ports.http):127.0.0.1"]
            )
            #expect(challenge.status == 200 && challenge.body == "token-123\n")
            let missing = try await Curl.request(
                "http://localhost:\(ports.http)/.well-known/acme-challenge/none",
                resolve: ["localhost:\(ports.http):127.0.0.1"]
            )
            #expect(missing.status == 404)
            #expect(!serve.output.contains("acme-challenge"), "a challenge reached the app")
        }
    }

    @Test func nginxWithAUnixSocketUpstream() async throws {
        _ = try NginxServer.executable()
        let scratch = try TemporaryDirectory()
        let certificate = try await SelfSignedCertificate.make(in: scratch)
        let socket = try scratch.makeDirectory("run", mode: 0o777) + "/app.sock"
        try await retryingOnPortConflict {
            let ports = try FreePort.allocate(2)
            let spec = try Self.spec(scratch, certificate, app: .unix(path: socket), http: ports[0], https: ports[1])
            let files = try DeploymentFixtures.write(
                try Generator(spec: spec).files(for: .nginx),
                into: scratch,
                "nginx-site"
            )
            let serve = try await Self.startServe(spec, scratch)
            defer { serve.stop() }
            let nginx = try await NginxServer.start(in: scratch, httpIncludes: files, ports: ports)
            defer { nginx.stop() }
            let (_, seen) = try await Self.whoami(https: ports[1])
            #expect(seen.client == "127.0.0.1", "\(seen)")
            #expect(seen.scheme == "https")
        }
    }

    @Test func nginxStreamWithProxyProtocolV1() async throws {
        _ = try NginxServer.executable()
        let edit: (inout DeploymentSpec) -> Void = { $0.app.proxyProtocol = .v1 }
        try await Self.withTCPSpec(edit: edit) { spec, ports, scratch in
            let includes = DeploymentFixtures.nginxIncludes(
                try DeploymentFixtures.write(try Generator(spec: spec).files(for: .nginx), into: scratch, "nginx-site")
            )
            let serve = try await Self.startServe(spec, scratch)
            defer { serve.stop() }
            let nginx = try await NginxServer.start(
                in: scratch,
                httpIncludes: includes.http,
                mainIncludes: includes.main,
                ports: [ports.http, ports.https]
            )
            defer { nginx.stop() }
            // The stream proxy relays bytes: the PROXY header's source is the client itself, which
            // here is on loopback and therefore trusted, so its own headers would count. Without
            // them the app must report the PROXY header's source.
            let (_, seen) = try await Self.whoami(https: ports.https, headers: [])
            #expect(seen.client == "127.0.0.1", "\(seen)")
            #expect(seen.via.contains("proxy-protocol"), "\(seen.via)")
        }
    }

    @Test func nginxBehindATrustedOuterBalancer() async throws {
        _ = try NginxServer.executable()
        // curl on 127.0.0.1 plays the CDN: its X-Forwarded-For is believed, its right-most entry wins.
        let edit: (inout DeploymentSpec) -> Void = {
            $0.proxy.realIP = ProxySpec.RealIP(from: [CIDR.loopbackV4], header: "X-Forwarded-For")
        }
        try await Self.withTCPSpec(edit: edit) { spec, ports, scratch in
            let files = try DeploymentFixtures.write(
                try Generator(spec: spec).files(for: .nginx),
                into: scratch,
                "nginx-site"
            )
            let serve = try await Self.startServe(spec, scratch)
            defer { serve.stop() }
            let nginx = try await NginxServer.start(in: scratch, httpIncludes: files, ports: [ports.http, ports.https])
            defer { nginx.stop() }
            let (_, seen) = try await Self.whoami(
                https: ports.https,
                headers: ["X-Forwarded-For: 198.51.100.66, 203.0.113.9"]
            )
            #expect(seen.client == "203.0.113.9", "the CDN's view of the client, not the forged left entry: \(seen)")
        }
    }

    // MARK: - Apache httpd

    @Test func apacheWithATCPUpstream() async throws {
        _ = try ApacheServer.executable()
        let edit: (inout DeploymentSpec) -> Void = { $0.proxy.kind = .apache }
        try await Self.withTCPSpec(edit: edit) { spec, ports, scratch in
            let generated = try Generator(spec: spec).files(for: .apache)
            let files = try DeploymentFixtures.write(generated, into: scratch, "apache-site")
            let serve = try await Self.startServe(spec, scratch)
            defer { serve.stop() }
            let apache = try await ApacheServer.start(
                in: scratch,
                includes: files,
                modules: ApacheServer.modules(requiredBy: generated[0].contents),
                ports: [ports.http, ports.https]
            )
            defer { apache.stop() }
            let (_, seen) = try await Self.whoami(https: ports.https)
            #expect(seen.client == "127.0.0.1", "forged headers must not win: \(seen)")
            #expect(seen.scheme == "https")
            #expect(seen.host?.hasPrefix("localhost") == true, "\(seen)")
            let redirect = try await Curl.request(
                "http://localhost:\(ports.http)/whoami",
                resolve: ["localhost:\(ports.http):127.0.0.1"]
            )
            #expect(redirect.status == 301)
            #expect(redirect.header("Location") == "https://localhost:\(ports.https)/whoami")
        }
    }

    // MARK: - HAProxy

    @Test(arguments: [AppSpec.ProxyProtocol.off, .v2])
    func haproxy(_ proxyProtocol: AppSpec.ProxyProtocol) async throws {
        _ = try HAProxyServer.executable()
        let edit: (inout DeploymentSpec) -> Void = {
            $0.proxy.kind = .haproxy
            $0.app.proxyProtocol = proxyProtocol
        }
        try await Self.withTCPSpec(edit: edit) { spec, ports, scratch in
            let files = try DeploymentFixtures.write(
                try Generator(spec: spec).files(for: .haproxy),
                into: scratch,
                "haproxy"
            )
            let serve = try await Self.startServe(spec, scratch)
            defer { serve.stop() }
            let haproxy = try await HAProxyServer.start(
                config: files[0],
                ports: [ports.http, ports.https],
                logDirectory: scratch
            )
            defer { haproxy.stop() }
            let (_, seen) = try await Self.whoami(https: ports.https)
            #expect(seen.client == "127.0.0.1", "forged headers must not win: \(seen)")
            // With v2 the scheme comes from the PROXY header's SSL TLV (send-proxy-v2-ssl).
            #expect(seen.scheme == "https", "\(seen)")
            if proxyProtocol == .v2 { #expect(seen.via.contains("proxy-protocol"), "\(seen.via)") }
        }
    }
}
