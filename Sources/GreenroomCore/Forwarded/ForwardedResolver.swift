/// Decides who the client of a request is, believing forwarding information only from trusted
/// proxies.
///
/// The rules (the article <doc:TrustModel> tells the whole story):
/// - If the peer is not trusted, every forwarding header is ignored: the client is the peer.
/// - Otherwise the forwarding hops are walked right to left, starting next to the peer: while a
///   hop is trusted, step left; the first untrusted hop is the client; if every hop is trusted the
///   leftmost one is; an unparseable hop (garbage, `unknown`, an obfuscated `_id`) stops the walk
///   and the last good hop to its right is the client. All lines of a header are read, in order.
/// - At most ``maxHops`` hops are read (64 by default); if that many are all trusted, the leftmost
///   one read is the client and the decision says ``ClientAddress/Decision/hopLimitReached``.
/// - In `hops: N` mode (werkzeug's ProxyFix style, for proxies whose addresses are unknown) the
///   N-th hop from the right is the client, and with fewer than N hops the peer is.
/// - Scheme, host, port and prefix come only from the same trusted source: the client's own
///   `Forwarded` element, or the `X-Forwarded-Proto/Host/Port/Prefix` entry aligned with the
///   client's `X-Forwarded-For` position (the rightmost entry when the lists differ in length,
///   i.e. what the nearest trusted proxy set); otherwise from the connection and `Host`.
///
/// Resolving allocates nothing for chains of up to four hops with short host names.
public struct ForwardedResolver: Sendable, Hashable {
    /// Which family of forwarding headers to read.
    public enum HeaderPolicy: String, Sendable, Hashable, CaseIterable {
        /// `X-Forwarded-For` with `X-Forwarded-Proto/Host/Port/Prefix` (the default: what nginx,
        /// HAProxy and Apache send).
        case xForwarded = "x-forwarded"
        /// RFC 7239 `Forwarded` only.
        case forwarded
        /// Both. When both are present and agree (the same hops from the right), the client is
        /// their common answer, with scheme, host, port and prefix from the ``HeaderFamily`` the
        /// proxy writes authoritatively. When they disagree, that family
        /// (``ForwardedResolver/authoritative``, `X-Forwarded-For` by default) decides, with the
        /// decision ``ClientAddress/Decision/headersDisagree`` and
        /// ``ClientAddress/disagreement`` saying which family decided and what the other named.
        /// A disagreement never makes the trusted proxy itself the client: a client that smuggles
        /// an element into the family the proxy passes through changes nothing.
        case both
    }

    /// A family of forwarding headers: which one decides when both are read and disagree.
    public enum HeaderFamily: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `X-Forwarded-For` (with `X-Forwarded-Proto/Host/Port/Prefix`). The generated nginx,
        /// Apache and HAProxy configurations all replace it with the address they computed
        /// (`$remote_addr`, `%{REMOTE_ADDR}`, `option forwardfor`), so it is the default.
        case xForwarded = "x-forwarded"
        /// RFC 7239 `Forwarded`, for a proxy that replaces `Forwarded` but passes
        /// `X-Forwarded-For` through.
        case forwarded

        public var description: String { rawValue }

        /// Where a client found in this family came from.
        @inlinable
        public var via: ClientAddress.Via { self == .xForwarded ? .xForwardedFor : .forwarded }
    }

    /// How the client hop is picked.
    public enum Mode: Sendable, Hashable {
        /// Walk right to left over trusted hops (the default).
        case walk
        /// Take the N-th hop from the right, N ≥ 1.
        case hops(Int)
    }

    /// The proxies whose forwarding information is believed.
    public var trusted: TrustedProxies
    /// The header family to read.
    public var policy: HeaderPolicy
    /// How the client hop is picked.
    public var mode: Mode
    /// The most hops read from the right; hops further left are ignored.
    public var maxHops: Int
    /// With ``HeaderPolicy/both``, the family whose answer stands when the two disagree.
    public var authoritative: HeaderFamily

    /// Creates a resolver.
    ///
    /// - Parameters:
    ///   - trusted: the trusted proxies; default `loopback`.
    ///   - policy: the header family; default ``HeaderPolicy/xForwarded``.
    ///   - mode: walk or fixed hop count; `hops(N)` is clamped to `1...maxHops`.
    ///   - maxHops: the most hops read, at least 1; default 64.
    ///   - authoritative: with ``HeaderPolicy/both``, the family that decides when the two
    ///     disagree; default ``HeaderFamily/xForwarded``.
    public init(
        trusted: TrustedProxies = .loopback,
        policy: HeaderPolicy = .xForwarded,
        mode: Mode = .walk,
        maxHops: Int = 64,
        authoritative: HeaderFamily = .xForwarded
    ) {
        self.trusted = trusted
        self.policy = policy
        self.authoritative = authoritative
        self.maxHops = max(1, maxHops)
        if case .hops(let count) = mode {
            self.mode = .hops(min(max(1, count), self.maxHops))
        } else {
            self.mode = .walk
        }
    }

    /// Resolves the client of one request.
    ///
    /// - Parameters:
    ///   - peer: the connection's peer, or the source of a PROXY header from a trusted peer.
    ///   - headers: the request's header fields in order, e.g. NIO's `HTTPHeaders`.
    ///   - peerVia: ``ClientAddress/Via/proxyProtocol`` when `peer` came from a PROXY header.
    ///   - socketScheme: the connection's own scheme (`https` when TLS ended at this hop or a
    ///     trusted PROXY v2 header says the client used TLS).
    @inlinable
    public func resolve<Headers: BidirectionalCollection>(
        peer: Peer,
        headers: Headers,
        peerVia: ClientAddress.Via = .peer,
        socketScheme: String = "http"
    ) -> ClientAddress where Headers.Element == (name: String, value: String) {
        let scan = HeaderScan(headers)
        guard trusted.trusts(peer) else {
            let hostHeader = scan.host.flatMap { ForwardedValues.host(wholeValue: headers[$0].value) }
            var chain = TrustChain()
            chain.append(TrustChain.Hop(address: peer.address, port: peer.port))
            return ClientAddress(
                address: peer.address,
                port: peer.port,
                peer: peer,
                scheme: socketScheme,
                host: hostHeader,
                via: peerVia,
                chain: chain,
                decision: .peerUntrusted
            )
        }
        let fixedHops: Int? = if case .hops(let count) = mode { count } else { nil }
        switch policy {
        case .xForwarded:
            let walk = walk(.xForwardedFor, scan: scan, headers: headers, peer: peer, fixedHops: fixedHops)
            return finishXForwarded(
                walk,
                peer: peer,
                scan: scan,
                headers: headers,
                peerVia: peerVia,
                socketScheme: socketScheme
            )
        case .forwarded:
            let hostHeader = scan.host.flatMap { ForwardedValues.host(wholeValue: headers[$0].value) }
            let walk = walk(.forwarded, scan: scan, headers: headers, peer: peer, fixedHops: fixedHops)
            return finishForwarded(
                walk,
                peer: peer,
                peerVia: peerVia,
                socketScheme: socketScheme,
                hostHeader: hostHeader
            )
        case .both:
            let hostHeader = scan.host.flatMap { ForwardedValues.host(wholeValue: headers[$0].value) }
            let x = walk(.xForwardedFor, scan: scan, headers: headers, peer: peer, fixedHops: fixedHops)
            let f = walk(.forwarded, scan: scan, headers: headers, peer: peer, fixedHops: fixedHops)
            if f.decision == .noForwardingHeaders {
                return finishXForwarded(
                    x,
                    peer: peer,
                    scan: scan,
                    headers: headers,
                    peerVia: peerVia,
                    socketScheme: socketScheme
                )
            }
            if x.decision == .noForwardingHeaders {
                return finishForwarded(
                    f,
                    peer: peer,
                    peerVia: peerVia,
                    socketScheme: socketScheme,
                    hostHeader: hostHeader
                )
            }
            var result =
                authoritative == .xForwarded
                ? finishXForwarded(
                    x,
                    peer: peer,
                    scan: scan,
                    headers: headers,
                    peerVia: peerVia,
                    socketScheme: socketScheme
                )
                : finishForwarded(f, peer: peer, peerVia: peerVia, socketScheme: socketScheme, hostHeader: hostHeader)
            // Agreeing or not, scheme, host, port and prefix come from the authoritative family:
            // the other may be the client's own copy, right about its address and nothing else.
            if Self.agree(x, f) { return result }
            let overruled = authoritative == .xForwarded ? f : x
            result.disagreement = ClientAddress.Disagreement(
                decidedBy: authoritative.via,
                overruled: authoritative == .xForwarded ? .forwarded : .xForwardedFor,
                overruledClient: overruled.clientPosition > 0 ? overruled.client.address : nil,
                walkDecision: result.decision
            )
            result.decision = .headersDisagree
            return result
        }
    }

    /// Walks one header family (`X-Forwarded-For` or `Forwarded`) right to left.
    @inlinable
    func walk<Headers: BidirectionalCollection>(
        _ family: ForwardingHeaderName,
        scan: HeaderScan<Headers>,
        headers: Headers,
        peer: Peer,
        fixedHops: Int?
    ) -> HopWalker where Headers.Element == (name: String, value: String) {
        var walker = HopWalker(fixedHops: fixedHops, maxHops: maxHops, peer: peer)
        scan.forEachLineReversed(family, in: headers) { line in
            if family == .forwarded {
                walker.consumeForwarded(line, trusted: trusted)
            } else {
                walker.consumeXForwardedFor(line, trusted: trusted)
            }
            return walker.isWalking
        }
        walker.finish()
        return walker
    }

    /// Runs `body` over a string's UTF-8 bytes, copying only if the string is not contiguous.
    @inlinable
    static func withBytes<T>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(string.utf8).withUnsafeBufferPointer(body)
    }
}

extension ForwardedResolver {
    /// The resolver for settings as `serve`, the spec and the adapters hold them: a hop count
    /// when one is given (``Mode/hops(_:)``), otherwise the walk over trusted hops.
    package init(
        trusted: TrustedProxies,
        policy: HeaderPolicy,
        hops: Int?,
        maxHops: Int,
        authoritative: HeaderFamily
    ) {
        self.init(
            trusted: trusted,
            policy: policy,
            mode: hops.map { .hops($0) } ?? .walk,
            maxHops: maxHops,
            authoritative: authoritative
        )
    }
}
