#if Hummingbird
public import GreenroomCore
import struct GreenroomServer.ConfigurationError

/// Whom a Hummingbird app behind a proxy trusts, and how: the trust settings of
/// `greenroom serve`, for ``GreenroomHTTP1Channel`` and the start-up policy.
///
/// The defaults are `serve`'s: trust a proxy on the same host (`loopback`), read
/// `X-Forwarded-*`, no PROXY protocol.
///
/// ```swift
/// var greenroom = GreenroomOptions(trustedProxies: try TrustedProxies(parsing: ["10.0.0.2"]))
/// greenroom.proxyProtocol = .required
/// ```
public struct GreenroomOptions: Sendable, Hashable {
    /// The proxies whose PROXY headers and forwarding headers are believed (`--trust`).
    public var trustedProxies: TrustedProxies
    /// Which forwarding headers to read from trusted proxies (`--forwarded-headers`).
    public var forwardedHeaders: ForwardedResolver.HeaderPolicy
    /// With `both`, the family whose answer stands when the two disagree (`--authoritative-headers`).
    public var authoritativeHeaders: ForwardedResolver.HeaderFamily
    /// Take the N-th forwarding hop from the right instead of walking the trust list (`--hops`).
    public var hops: Int?
    /// The most forwarding hops read per request.
    public var maxHops: Int
    /// Whether connections start with a PROXY protocol header (`--proxy-protocol`).
    public var proxyProtocol: ProxyProtocolMode
    /// How long a connection may take to send its PROXY header; then it is closed.
    public var proxyProtocolTimeout: Duration
    /// How long a connection may wait between requests, or take to send a request's head, before
    /// it is closed (`serve`'s `--idle-timeout`; Hummingbird has one timer for both). An
    /// `HTTP1Channel.Configuration.idleTimeout` the app sets wins.
    public var idleTimeout: Duration
    /// How long a request body may pause between two pieces before the connection is closed
    /// (`serve`'s `--body-timeout`).
    public var bodyTimeout: Duration
    /// Serve clients directly, no proxy trusted (`--allow-public`): allows a non-loopback bind.
    public var allowPublic: Bool
    /// The start-up refusals this deployment opted out of, one rule each (`--allow-wildcard-bind`, ...).
    public var optIns: Set<StartupOptIn>
    /// The start-up policy rules not applied at all: an explicit, per-rule opt-out.
    public var policyExemptions: Set<RuleID>
    /// Removes the forwarding headers of requests whose peer is not trusted.
    public var sanitizer: HeaderSanitizer

    /// Creates options; every parameter has `greenroom serve`'s default.
    public init(
        trustedProxies: TrustedProxies = .loopback,
        forwardedHeaders: ForwardedResolver.HeaderPolicy = .xForwarded,
        authoritativeHeaders: ForwardedResolver.HeaderFamily = .xForwarded,
        hops: Int? = nil,
        maxHops: Int = 64,
        proxyProtocol: ProxyProtocolMode = .off,
        proxyProtocolTimeout: Duration = .seconds(5),
        idleTimeout: Duration = .seconds(75),
        bodyTimeout: Duration = .seconds(60),
        allowPublic: Bool = false,
        optIns: Set<StartupOptIn> = [],
        policyExemptions: Set<RuleID> = [],
        sanitizer: HeaderSanitizer = HeaderSanitizer()
    ) {
        self.trustedProxies = trustedProxies
        self.forwardedHeaders = forwardedHeaders
        self.authoritativeHeaders = authoritativeHeaders
        self.hops = hops
        self.maxHops = maxHops
        self.proxyProtocol = proxyProtocol
        self.proxyProtocolTimeout = proxyProtocolTimeout
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.allowPublic = allowPublic
        self.optIns = optIns
        self.policyExemptions = policyExemptions
        self.sanitizer = sanitizer
    }

    /// Options from the values of `greenroom serve`'s flags, with their meanings and messages:
    /// `--trust` (repeatable; `loopback`, `unix`, a CIDR block or an address; `none`; default
    /// `loopback`), `--proxy-protocol` (`off`, `optional`, `required`) and `--forwarded-headers`
    /// (`x-forwarded`, `forwarded`, `both`).
    ///
    /// - Throws: `ConfigurationError` whose message starts with the flag
    ///   (`--trust: trust entry 'x' is not ...`).
    public init(trust: [String], proxyProtocol: String = "off", forwardedHeaders: String = "x-forwarded") throws {
        guard let mode = ProxyProtocolMode(rawValue: proxyProtocol) else {
            throw ConfigurationError("--proxy-protocol: '\(proxyProtocol)' is not one of off, optional, required")
        }
        guard let policy = ForwardedResolver.HeaderPolicy(rawValue: forwardedHeaders) else {
            throw ConfigurationError(
                "--forwarded-headers: '\(forwardedHeaders)' is not one of x-forwarded, forwarded, both"
            )
        }
        let settings: TrustSettings
        do {
            settings = try TrustSettings(trust: trust, forwardedHeaders: policy)
        } catch {
            throw ConfigurationError(error.message)
        }
        self.init(trustedProxies: settings.trustedProxies ?? .loopback, forwardedHeaders: policy, proxyProtocol: mode)
    }

    /// The resolver these options describe: the same one `greenroom serve` builds.
    public var resolver: ForwardedResolver {
        ForwardedResolver(
            trusted: trustedProxies,
            policy: forwardedHeaders,
            hops: hops,
            maxHops: maxHops,
            authoritative: authoritativeHeaders
        )
    }
}
#endif
