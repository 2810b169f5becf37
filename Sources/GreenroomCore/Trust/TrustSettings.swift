/// The trust settings `greenroom serve` and `greenroom explain` share, parsed from their flags:
/// `--trust` (repeatable), `--trust-all-i-know`, `--forwarded-headers`,
/// `--authoritative-headers` and `--hops`.
///
/// A value that was not given stays `nil`, so `serve` can lay the flags over a deployment spec;
/// ``resolver`` fills the gaps with the resolver's defaults, as `explain` does.
package struct TrustSettings: Sendable, Hashable {
    /// The most hops `--hops` may name: the resolver reads no more hops than this, so a larger
    /// count could never be honoured.
    package static let maxHops = 64

    /// The proxies `--trust` names; `nil` when no `--trust` was given. `--trust none` is
    /// ``TrustedProxies/none``.
    package var trustedProxies: TrustedProxies?
    /// `--forwarded-headers`.
    package var forwardedHeaders: ForwardedResolver.HeaderPolicy?
    /// `--authoritative-headers`.
    package var authoritativeHeaders: ForwardedResolver.HeaderFamily?
    /// `--hops`, in `1...maxHops`.
    package var hops: Int?

    /// Parses the flags' values.
    ///
    /// - Parameters:
    ///   - trust: the `--trust` values in order; `["none"]` trusts nobody.
    ///   - trustEverything: `--trust-all-i-know`: accept entries that match every address.
    ///   - forwardedHeaders: `--forwarded-headers`.
    ///   - authoritativeHeaders: `--authoritative-headers`.
    ///   - hops: `--hops`.
    /// - Throws: ``FlagError`` naming `--trust` or `--hops`.
    package init(
        trust: [String] = [],
        trustEverything: Bool = false,
        forwardedHeaders: ForwardedResolver.HeaderPolicy? = nil,
        authoritativeHeaders: ForwardedResolver.HeaderFamily? = nil,
        hops: Int? = nil
    ) throws(FlagError) {
        if trust == ["none"] {
            trustedProxies = TrustedProxies.none
        } else if !trust.isEmpty {
            do {
                trustedProxies = try TrustedProxies(parsing: trust, allowingEverything: trustEverything)
            } catch {
                throw FlagError("--trust", error.reason)
            }
        }
        if let hops, !(1...Self.maxHops).contains(hops) {
            throw FlagError("--hops", "\(hops) is out of range 1...\(Self.maxHops)")
        }
        self.forwardedHeaders = forwardedHeaders
        self.authoritativeHeaders = authoritativeHeaders
        self.hops = hops
    }

    /// The resolver the settings describe; what was not given is the resolver's default
    /// (`loopback`, `x-forwarded`, walking the trusted hops, `x-forwarded` authoritative).
    package var resolver: ForwardedResolver {
        ForwardedResolver(
            trusted: trustedProxies ?? .loopback,
            policy: forwardedHeaders ?? .xForwarded,
            hops: hops,
            maxHops: Self.maxHops,
            authoritative: authoritativeHeaders ?? .xForwarded
        )
    }
}
