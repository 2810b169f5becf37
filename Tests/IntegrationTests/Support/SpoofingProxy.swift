import Foundation
import GreenroomCore
import GreenroomDeploy
import Testing

/// The generated proxy configurations the spoofing suite attacks, each in front of a real
/// `greenroom serve`, started once per suite (``SharedFixtures``).
///
/// The client connects from `127.0.0.2`, the proxy to the app from `127.0.0.1`: `/whoami` saying
/// `127.0.0.2` proves the app took the proxy's word, and `127.0.0.2` is still inside the default
/// `loopback` trust, so a proxy that passed a forged header on would be caught (the app would walk
/// into it). The nginx stream (PROXY v1) config is the exception: nginx forwards the client's
/// bytes untouched, so the client's own headers reach the app behind the PROXY line, and the
/// client must be outside the trust list as any real client is: the app trusts `127.0.0.1` only.
enum SpoofingProxy: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case nginxTCP = "nginx-tcp"
    case nginxUnixSocket = "nginx-unix-socket"
    case nginxStreamProxyV1 = "nginx-stream-proxy-v1"
    case apache
    case haproxyForwardedFor = "haproxy-x-forwarded-for"
    case haproxyProxyV2 = "haproxy-proxy-v2"
    /// The same deployments with one header family only (`app.forwarded_headers`), since a
    /// proxy writes different headers for each.
    case nginxForwardedOnly = "nginx-forwarded-only"
    case nginxXForwardedOnly = "nginx-x-forwarded-only"
    case apacheForwardedOnly = "apache-forwarded-only"
    case haproxyForwardedOnly = "haproxy-forwarded-only"
    case haproxyXForwardedOnly = "haproxy-x-forwarded-only"

    var testDescription: String { rawValue }

    /// Where the test client connects from.
    static let clientAddress = "127.0.0.2"

    /// The tool it needs, or a skip (locally) / failure (CI).
    func requireTools() throws {
        switch self {
        case .nginxTCP, .nginxUnixSocket, .nginxForwardedOnly, .nginxXForwardedOnly:
            _ = try NginxServer.executable()
        case .nginxStreamProxyV1:
            _ = try NginxServer.executable()
            if !FileManager.default.fileExists(atPath: NginxServer.streamModule) {
                try TestEnvironment.skip(
                    "the nginx stream module is not installed (apt-get install libnginx-mod-stream)"
                )
            }
        case .apache, .apacheForwardedOnly: _ = try ApacheServer.executable()
        case .haproxyForwardedFor, .haproxyProxyV2, .haproxyForwardedOnly, .haproxyXForwardedOnly:
            _ = try HAProxyServer.executable()
        }
        _ = try TestEnvironment.requireProgram("curl")
    }

    /// The suite's running instance (started on first use).
    func running() async throws -> RunningSpoofingProxy {
        try requireTools()
        return try await SharedFixtures.fixture(rawValue) { try await RunningSpoofingProxy.start(self) }
    }

    /// The example spec on loopback ports with this configuration's deployment choices.
    func spec(
        in scratch: TemporaryDirectory,
        certificate: SelfSignedCertificate,
        app: UInt16,
        http: UInt16,
        https: UInt16
    ) throws -> DeploymentSpec {
        var spec = DeploymentFixtures.onLoopback(try DeploymentFixtures.example(), http: http, https: https)
        spec.app.listen = .tcp(host: .loopbackV4, port: app)
        switch self {
        case .nginxTCP:
            break
        case .nginxUnixSocket:
            spec.app.listen = .unix(path: try scratch.makeDirectory("run", mode: 0o777) + "/app.sock")
            spec.app.trust = TrustedProxies(entries: [.unix])
        case .nginxStreamProxyV1:
            spec.app.proxyProtocol = .v1
            spec.app.trust = TrustedProxies(entries: [.cidr(CIDR(.loopbackV4))])
        case .apache:
            spec.proxy.kind = .apache
        case .haproxyForwardedFor:
            spec.proxy.kind = .haproxy
        case .haproxyProxyV2:
            spec.proxy.kind = .haproxy
            spec.app.proxyProtocol = .v2
        case .nginxForwardedOnly:
            spec.app.forwardedHeaders = .forwarded
        case .nginxXForwardedOnly:
            spec.app.forwardedHeaders = .xForwarded
        case .apacheForwardedOnly:
            spec.proxy.kind = .apache
            spec.app.forwardedHeaders = .forwarded
        case .haproxyForwardedOnly:
            spec.proxy.kind = .haproxy
            spec.app.forwardedHeaders = .forwarded
        case .haproxyXForwardedOnly:
            spec.proxy.kind = .haproxy
            spec.app.forwardedHeaders = .xForwarded
        }
        spec = try DeploymentFixtures.localized(spec, in: scratch, certificate: certificate)
        let problems = spec.problems()
        guard problems.isEmpty else { throw HarnessError("the \(rawValue) spec is invalid: \(problems)") }
        return spec
    }
}

/// One ``SpoofingProxy`` running: the proxy and the app behind it.
final class RunningSpoofingProxy: SuiteFixture, @unchecked Sendable {
    let configuration: SpoofingProxy
    /// The proxy's HTTPS port on 127.0.0.1.
    let httpsPort: UInt16
    private let scratch: TemporaryDirectory
    private let serve: ServeProcess
    private let proxy: any ProxyDaemon

    private init(
        configuration: SpoofingProxy,
        httpsPort: UInt16,
        scratch: TemporaryDirectory,
        serve: ServeProcess,
        proxy: any ProxyDaemon
    ) {
        self.configuration = configuration
        self.httpsPort = httpsPort
        self.scratch = scratch
        self.serve = serve
        self.proxy = proxy
    }

    static func start(_ configuration: SpoofingProxy) async throws -> RunningSpoofingProxy {
        let scratch = try TemporaryDirectory("greenroom-spoof")
        let certificate = try await SelfSignedCertificate.make(in: scratch)
        return try await retryingOnPortConflict {
            let ports = try FreePort.allocate(3)
            let spec = try configuration.spec(
                in: scratch,
                certificate: certificate,
                app: ports[0],
                http: ports[1],
                https: ports[2]
            )
            let generator = try Generator(spec: spec)
            let readiness: ServeProcess.Readiness
            switch spec.app.listen {
            case .tcp(_, let port): readiness = .tcp(port)
            case .unix(let path): readiness = .unix(path)
            }
            let serve = try await ServeProcess.start(
                spec.app.serveArguments,
                readiness: readiness,
                logDirectory: scratch
            )
            let proxy: any ProxyDaemon
            do {
                switch spec.proxy.kind {
                case .apache:
                    let generated = try generator.files(for: .apache)
                    proxy = try await ApacheServer.start(
                        in: scratch,
                        includes: try DeploymentFixtures.write(generated, into: scratch, "apache-site"),
                        modules: ApacheServer.modules(requiredBy: generated[0].contents),
                        ports: [ports[1], ports[2]]
                    )
                case .haproxy:
                    let files = try DeploymentFixtures.write(
                        try generator.files(for: .haproxy),
                        into: scratch,
                        "haproxy"
                    )
                    proxy = try await HAProxyServer.start(
                        config: files[0],
                        ports: [ports[1], ports[2]],
                        logDirectory: scratch
                    )
                default:
                    let includes = DeploymentFixtures.nginxIncludes(
                        try DeploymentFixtures.write(try generator.files(for: .nginx), into: scratch, "nginx-site")
                    )
                    proxy = try await NginxServer.start(
                        in: scratch,
                        httpIncludes: includes.http,
                        mainIncludes: includes.main,
                        ports: [ports[1], ports[2]]
                    )
                }
            } catch {
                serve.stop()
                throw error
            }
            return RunningSpoofingProxy(
                configuration: configuration,
                httpsPort: ports[2],
                scratch: scratch,
                serve: serve,
                proxy: proxy
            )
        }
    }

    /// `GET https://localhost:<port>/whoami` from ``SpoofingProxy/clientAddress`` with `headers`
    /// sent as given, over HTTP/1.1 unless `http2`.
    func whoami(headers: [String], http2: Bool = false) async throws -> CurlResponse {
        try await Self.curls.run {
            try await Curl.request(
                "https://localhost:\(httpsPort)/whoami",
                headers: headers,
                resolve: ["localhost:\(httpsPort):127.0.0.1"],
                extraArguments: ["--interface", SpoofingProxy.clientAddress] + (http2 ? ["--http2"] : ["--http1.1"])
            )
        }
    }

    /// Sends `bytes` inside a TLS connection to the proxy's HTTPS port from
    /// ``SpoofingProxy/clientAddress`` (`openssl s_client`, no ALPN: HTTP/1.1) and returns what
    /// came back until the other side closed.
    func exchangeOverTLS(_ bytes: [UInt8]) async throws -> String {
        let openssl = try TestEnvironment.requireProgram("openssl")
        let payload = scratch.file("payload-\(UUID().uuidString)")
        try Data(bytes).write(to: URL(fileURLWithPath: payload))
        defer { try? FileManager.default.removeItem(atPath: payload) }
        let command =
            "exec \(openssl) s_client -connect 127.0.0.1:\(httpsPort) -servername localhost "
            + "-bind \(SpoofingProxy.clientAddress):0 -quiet < \(payload)"
        let result = try await Self.curls.run {
            try await ProcessRunner.run("/bin/sh", ["-c", command], timeout: .seconds(20))
        }
        guard !result.timedOut else { throw HarnessError("the TLS exchange did not end: \(result)") }
        return result.stdout
    }

    /// curl processes at once across the suite's rows.
    private static let curls = ConcurrencyLimit(4)

    /// What the proxy and the app logged, for failure messages.
    var logs: String { "proxy:\n\(proxy.process.output)\napp:\n\(serve.output)" }

    /// The proxy first (its upstream connections close), then the app.
    func stop() {
        proxy.stop()
        serve.stop()
    }
}

/// A proxy daemon the tests started (nginx, httpd, HAProxy): stopped on release.
protocol ProxyDaemon: AnyObject, Sendable {
    var process: BackgroundProcess { get }
    func stop()
}

extension NginxServer: ProxyDaemon {}
extension ApacheServer: ProxyDaemon {}
extension HAProxyServer: ProxyDaemon {}
