import GreenroomCore

/// What the application behind the proxy expects: where it listens, whom it trusts, and which
/// forwarding information it reads.
///
/// The proxy-configuration rules compare a real nginx or Apache configuration against this. It is
/// deliberately small and independent of the deployment spec: `greenroom check` fills it from
/// `greenroom.yml`, and `greenroom serve` from its own flags.
public struct AppExpectation: Sendable, Hashable {
    /// A forwarding header the app believes when it comes from a trusted peer.
    public enum ForwardedHeader: String, Sendable, Hashable, CaseIterable, Comparable {
        /// `X-Forwarded-For`: the client address.
        case xForwardedFor = "X-Forwarded-For"
        /// `X-Forwarded-Proto`: the scheme the client used.
        case xForwardedProto = "X-Forwarded-Proto"
        /// `X-Forwarded-Host`: the host the client asked for.
        case xForwardedHost = "X-Forwarded-Host"
        /// `X-Forwarded-Port`: the port the client connected to.
        case xForwardedPort = "X-Forwarded-Port"
        /// `X-Forwarded-Prefix`: the path prefix the proxy removed.
        case xForwardedPrefix = "X-Forwarded-Prefix"
        /// RFC 7239 `Forwarded`.
        case forwarded = "Forwarded"

        /// The header name in lower case.
        public var lowercased: String { rawValue.lowercased() }

        /// Orders as declared.
        public static func < (lhs: ForwardedHeader, rhs: ForwardedHeader) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// The addresses the app listens on (several for `app.instances`).
    public var binds: [BindTarget]
    /// The peers whose forwarding information the app believes.
    public var trust: TrustedProxies
    /// Whether the app reads PROXY protocol headers.
    public var proxyProtocol: ProxyProtocolMode
    /// The forwarding headers the app believes from trusted peers. Greenroom reads all of them.
    public var forwardedHeaders: Set<ForwardedHeader>
    /// The fixed number of proxy hops the app counts from the right of `X-Forwarded-For` instead of
    /// walking its trust set (werkzeug ProxyFix style), or `nil` for the trust walk.
    public var hops: Int?
    /// Paths that carry WebSocket connections (`/ws`, `/socket`).
    public var websocketPaths: [String]
    /// The outer load balancers or CDNs in front of the proxy, the only addresses whose
    /// forwarding headers the proxy itself may believe (`set_real_ip_from`, `RemoteIPTrustedProxy`).
    public var outerProxies: [CIDR]

    /// Creates an expectation; by default a Greenroom app: trusts `loopback`, reads every
    /// forwarding header, no PROXY protocol, no WebSockets, no outer proxy.
    public init(
        binds: [BindTarget],
        trust: TrustedProxies = .loopback,
        proxyProtocol: ProxyProtocolMode = .off,
        forwardedHeaders: Set<ForwardedHeader> = Set(ForwardedHeader.allCases),
        hops: Int? = nil,
        websocketPaths: [String] = [],
        outerProxies: [CIDR] = []
    ) {
        self.binds = binds
        self.trust = trust
        self.proxyProtocol = proxyProtocol
        self.forwardedHeaders = forwardedHeaders
        self.hops = hops
        self.websocketPaths = websocketPaths
        self.outerProxies = outerProxies
    }

    /// An app on one TCP address, e.g. `AppExpectation(host: "127.0.0.1", port: 8000)`.
    public init(host: String, port: Int, trust: TrustedProxies = .loopback) {
        self.init(binds: [.tcp(host: host, port: port)], trust: trust)
    }

    /// `true` when the app believes some forwarding header from some peer.
    public var readsForwardedHeaders: Bool { !trust.isEmpty && !forwardedHeaders.isEmpty }

    /// `true` when the app trusts more than peers on this host (loopback and unix sockets).
    public var trustsBeyondThisHost: Bool {
        trust.entries.contains { entry in
            if case .cidr(let cidr) = entry {
                return !(CIDR.loopbackV4.contains(cidr) || CIDR.loopbackV6.contains(cidr))
            }
            return false
        }
    }
}
