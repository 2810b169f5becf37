/// A narrow, named permission for one thing `greenroom serve` refuses by default.
///
/// Each start-up refusal about binding or trust names its opt-in: a `serve` flag and an `app:`
/// key of the deployment spec, which silence that one rule (it is still printed, as a warning)
/// and nothing else. Running as root and privileged ports have none.
public enum StartupOptIn: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// Trust entries that match every address (`*`, `0.0.0.0/0`, `::/0`, blocks that together
    /// cover every address): GR003. `--trust-all-i-know`, `app.trust_all_i_know: true`.
    case trustEveryone = "trust-all-i-know"
    /// Trust a range of public addresses, or a block wider than a /8 (IPv4) or /16 (IPv6): a CDN's
    /// published egress ranges, for example (GR003). `--trust-public-ranges`,
    /// `app.trust_public_ranges: true`.
    case trustPublicRanges = "trust-public-ranges"
    /// Bind a wildcard address (`0.0.0.0`, `::`) while trusting a proxy, e.g. in a container whose
    /// network only the proxy reaches (GR001). `--allow-wildcard-bind`,
    /// `app.allow_wildcard_bind: true`.
    case wildcardBind = "allow-wildcard-bind"
    /// Bind a public (not private, not loopback) address while trusting a proxy, e.g. behind a
    /// balancer or CDN that connects over the internet (GR002). `--allow-public-behind-proxy`,
    /// `app.allow_public_behind_proxy: true`.
    case publicBehindProxy = "allow-public-behind-proxy"

    /// The `greenroom serve` flag: `--trust-all-i-know`, ...
    public var flag: String { "--" + rawValue }

    /// The deployment-spec key: `app.trust_all_i_know`, ...
    public var specKey: String {
        "app." + String(rawValue.map { $0 == "-" ? "_" : $0 })
    }

    /// How a refusal names it: `--trust-all-i-know (app.trust_all_i_know: true)`.
    public var description: String { "\(flag) (\(specKey): true)" }

    public static func < (lhs: StartupOptIn, rhs: StartupOptIn) -> Bool { lhs.rawValue < rhs.rawValue }
}
