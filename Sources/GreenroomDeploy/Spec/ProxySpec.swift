import GreenroomCore

/// The `proxy:` section: the reverse proxy in front of the app.
///
/// Everything about the app side (upstream addresses, PROXY protocol, body limit, keep-alive
/// timing) comes from ``AppSpec``; this section holds only what is the proxy's own business.
public struct ProxySpec: Sendable, Hashable {
    /// `proxy.kind`: the proxy `greenroom generate all` produces and `greenroom check` expects.
    public var kind: Kind = .nginx
    /// `proxy.server_names`: host names served (`server_name`, `ServerName`/`ServerAlias`).
    public var serverNames: [String] = ["localhost"]
    /// `proxy.listen.http`: plain-HTTP listeners (with TLS: ACME challenges and the redirect).
    public var httpListen: [ListenAddress] = [ListenAddress(port: 80), ListenAddress(host: "[::]", port: 80)]
    /// `proxy.listen.https`: TLS listeners (empty without ``tls``).
    public var httpsListen: [ListenAddress] = []
    /// `proxy.tls`: certificate and key, or `nil` for plain HTTP.
    public var tls: TLS? = nil
    /// `proxy.redirect_http`: redirect plain HTTP to HTTPS (default: on with TLS).
    public var redirectHTTP: Bool = false
    /// `proxy.hsts`: `Strict-Transport-Security` (default: 2 years, with TLS only).
    public var hsts: HSTS? = nil
    /// `proxy.security_headers`: `X-Content-Type-Options`, `X-Frame-Options`, `Referrer-Policy`.
    public var securityHeaders: Bool = true
    /// `proxy.websocket_paths`: URL prefixes proxied with `Upgrade`/`Connection` passed through.
    public var websocketPaths: [String] = []
    /// `proxy.static_files`: URL prefixes served from disk by the proxy, never by the app.
    public var staticFiles: [StaticFiles] = []
    /// `proxy.client_max_body_size`: at most ``AppSpec/Limits/maxBodyBytes`` (the default).
    public var clientMaxBodySize: Int? = nil
    /// `proxy.timeouts`.
    public var timeouts: Timeouts = Timeouts()
    /// `proxy.gzip`: compress text responses.
    public var gzip: Bool = true
    /// `proxy.rate_limit`: per-client request rate, or `nil` for none.
    public var rateLimit: RateLimit? = nil
    /// `proxy.real_ip`: an outer load balancer or CDN whose client address the proxy believes.
    public var realIP: RealIP? = nil
    /// `proxy.upstream_keepalive`: idle upstream connections kept per proxy worker. Sized for
    /// concurrency: `keepalive 32` with 64+ clients makes nginx churn connections (~25% slower).
    public var upstreamKeepalive: Int = 256
    /// `proxy.version`: the proxy's version on the target host, or `nil` when unknown (then
    /// the generated syntax is what every supported version accepts).
    public var version: Version? = nil

    /// Creates the defaults.
    public init() {}

    /// The proxy software.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// nginx.
        case nginx
        /// Apache httpd.
        case apache
        /// HAProxy.
        case haproxy
        /// No proxy: the app is served directly (needs ``AppSpec/allowPublic`` for a public bind).
        case none
    }

    /// One listening address of the proxy: a port, optionally with an address.
    public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
        /// `nil` for every IPv4 address; `[::]` for every IPv6 address; else an IP address
        /// (IPv6 in brackets).
        public var host: String?
        /// The port.
        public var port: UInt16

        /// Creates an address.
        public init(host: String? = nil, port: UInt16) {
            self.host = host
            self.port = port
        }

        /// The parsed address, or `nil` for a wildcard.
        public var address: IPAddress? {
            guard var text = host else { return nil }
            if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
            return IPAddress(text).flatMap { $0.isUnspecified ? nil : $0 }
        }

        /// `true` for an IPv6 address or `[::]`.
        public var isIPv6: Bool { host?.hasPrefix("[") ?? false }

        /// `80`, `127.0.0.1:8080` or `[::]:80` (nginx's `listen` spelling).
        public var description: String { host.map { "\($0):\(port)" } ?? "\(port)" }
    }

    /// TLS at the proxy.
    public struct TLS: Sendable, Hashable {
        /// `certificate`: PEM certificate chain.
        public var certificate: String
        /// `key`: PEM private key; `nil` when it is in ``certificate``'s file.
        public var key: String?
        /// `acme_webroot`: directory served at `/.well-known/acme-challenge/` (before the app,
        /// never proxied), for certbot's `--webroot`; `nil` to serve no challenges.
        public var acmeWebroot: String?
        /// `haproxy_pem`: certificate and key in one file, for HAProxy (default: ``certificate``
        /// when ``key`` is `nil`, else `/etc/haproxy/certs/<first server name>.pem`).
        public var haproxyPEM: String?

        /// Creates a TLS setting.
        public init(certificate: String, key: String?, acmeWebroot: String? = nil, haproxyPEM: String? = nil) {
            self.certificate = certificate
            self.key = key
            self.acmeWebroot = acmeWebroot
            self.haproxyPEM = haproxyPEM
        }
    }

    /// `Strict-Transport-Security`.
    public struct HSTS: Sendable, Hashable {
        /// `max_age` in seconds.
        public var maxAge: Int = 63_072_000
        /// `include_subdomains`.
        public var includeSubdomains: Bool = false
        /// `preload`.
        public var preload: Bool = false
        /// The defaults (two years, this host only).
        public init() {}

        /// The header value.
        public var headerValue: String {
            "max-age=\(maxAge)" + (includeSubdomains ? "; includeSubDomains" : "") + (preload ? "; preload" : "")
        }
    }

    /// A URL prefix served from a directory.
    public struct StaticFiles: Sendable, Hashable {
        /// `path`: the URL prefix, e.g. `/static/`.
        public var path: String
        /// `directory`: the directory whose contents appear under ``path`` (nginx `alias`).
        public var directory: String
        /// `expires`: cache lifetime, or `nil` for none.
        public var expires: Duration?

        /// Creates an entry.
        public init(path: String, directory: String, expires: Duration? = nil) {
            self.path = path
            self.directory = directory
            self.expires = expires
        }
    }

    /// Timeouts between proxy and app.
    public struct Timeouts: Sendable, Hashable {
        /// `connect`.
        public var connect: Duration = .seconds(5)
        /// `read`: longest wait for the app's response bytes.
        public var read: Duration = .seconds(60)
        /// `send`: longest wait while sending the request to the app.
        public var send: Duration = .seconds(60)
        /// `websocket`: idle time of an upgraded connection.
        public var websocket: Duration = .seconds(3600)
        /// The defaults.
        public init() {}
    }

    /// Per-client request rate limiting at the proxy.
    public struct RateLimit: Sendable, Hashable {
        /// `requests_per_second`.
        public var requestsPerSecond: Int
        /// `burst`: requests above the rate accepted at once before 429.
        public var burst: Int

        /// Creates a limit.
        public init(requestsPerSecond: Int, burst: Int) {
            self.requestsPerSecond = requestsPerSecond
            self.burst = burst
        }
    }

    /// An outer load balancer or CDN in front of the proxy.
    public struct RealIP: Sendable, Hashable {
        /// `from`: the outer balancer's or CDN's addresses; only these may set the client address.
        public var from: [CIDR]
        /// `header`: where they put the client: `X-Forwarded-For`, `X-Real-IP`,
        /// `CF-Connecting-IP`, `True-Client-IP`, or `proxy_protocol`.
        public var header: String

        /// Creates a setting.
        public init(from: [CIDR], header: String) {
            self.from = from
            self.header = header
        }

        /// `true` when the outer balancer sends the PROXY protocol to our proxy.
        public var usesProxyProtocol: Bool { header == "proxy_protocol" }
    }
}

extension ProxySpec {
    /// ``clientMaxBodySize`` or the app's ``AppSpec/Limits/maxBodyBytes``.
    public func effectiveBodyLimit(app: AppSpec) -> Int { clientMaxBodySize ?? app.limits.maxBodyBytes }

    /// The ports the proxy serves plain HTTP on, in order, without duplicates.
    public var httpPorts: [UInt16] { httpListen.map(\.port).uniqued() }
    /// The ports the proxy serves HTTPS on, in order, without duplicates.
    public var httpsPorts: [UInt16] { httpsListen.map(\.port).uniqued() }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
