/// Who the client is, and why Greenroom believes it.
///
/// The result of ``ForwardedResolver/resolve(peer:headers:peerVia:socketScheme:)``: the client's
/// address and port, the scheme, host, port and path prefix the client used, where that came from
/// (``via``), and the trusted hops that were stepped over to get there (``chain``).
public struct ClientAddress: Sendable, Hashable {
    /// Where the client address came from.
    public enum Via: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// The socket's peer: no trusted forwarding information was used.
        case peer
        /// The source address of a PROXY protocol header sent by a trusted peer.
        case proxyProtocol = "proxy-protocol"
        /// An `X-Forwarded-For` hop.
        case xForwardedFor = "x-forwarded-for"
        /// An RFC 7239 `Forwarded` element.
        case forwarded

        public var description: String { rawValue }
    }

    /// Why the walk over the forwarding headers stopped.
    public enum Decision: Sendable, Hashable {
        /// The peer is not trusted, so every forwarding header was ignored.
        case peerUntrusted
        /// The peer is trusted but sent no usable forwarding header.
        case noForwardingHeaders
        /// The walk reached a hop that is not trusted: that hop is the client.
        case untrustedHop
        /// Every hop was trusted: the leftmost hop is the client.
        case allHopsTrusted
        /// A hop could not be parsed (garbage, `unknown`, an obfuscated `_id`): the last good hop
        /// to its right is the client. Carries the hop's text.
        case unparseableHop(String)
        /// More hops than the resolver reads (``ForwardedResolver/maxHops``): the leftmost hop
        /// read is the client.
        case hopLimitReached
        /// `hops: N` mode picked the N-th hop from the right.
        case fixedHopCount
        /// `hops: N` mode, but fewer than N hops were present: the peer is the client.
        case tooFewHops
        /// `X-Forwarded-For` and `Forwarded` disagree: the client is the authoritative family's
        /// answer (``ForwardedResolver/authoritative``), never the peer because of the
        /// disagreement; ``ClientAddress/disagreement`` says which family decided.
        case headersDisagree
    }

    /// The client's IP address; `nil` only for a unix-socket peer with no trusted header.
    public var address: IPAddress?
    /// The client's port, when known (the socket's, the PROXY header's, or a header node port).
    public var port: UInt16?
    /// The connection's peer as used for trust: the socket peer, or the PROXY header's source.
    public var peer: Peer
    /// The scheme the client used: `http`/`https`, from the trusted hop or the connection.
    public var scheme: String
    /// The host the client asked for (`X-Forwarded-Host`, `Forwarded: host=` or `Host`).
    public var host: String?
    /// The port the client connected to at the edge (`X-Forwarded-Port`), when a trusted hop said.
    public var forwardedPort: UInt16?
    /// The path prefix the edge proxy stripped (`X-Forwarded-Prefix`), when a trusted hop said.
    public var prefix: String?
    /// Where ``address`` came from.
    public var via: Via
    /// The trusted hops stepped over, nearest first (the peer first).
    public var chain: TrustChain
    /// Why the walk stopped.
    public var decision: Decision
    /// With ``ForwardedResolver/HeaderPolicy/both``, when the two families named different
    /// clients: which one decided and what the other said. `nil` otherwise.
    public var disagreement: Disagreement?

    /// Creates a result.
    @inlinable
    public init(
        address: IPAddress?,
        port: UInt16?,
        peer: Peer,
        scheme: String,
        host: String? = nil,
        forwardedPort: UInt16? = nil,
        prefix: String? = nil,
        via: Via,
        chain: TrustChain = TrustChain(),
        decision: Decision,
        disagreement: Disagreement? = nil
    ) {
        self.address = address
        self.port = port
        self.peer = peer
        self.scheme = scheme
        self.host = host
        self.forwardedPort = forwardedPort
        self.prefix = prefix
        self.via = via
        self.chain = chain
        self.decision = decision
        self.disagreement = disagreement
    }
}

extension ClientAddress: CustomStringConvertible {
    /// The client as `address` (IPv4) or `[address]` (IPv6) with `:port` when known, or `unix`.
    public var description: String {
        guard let address else { return "unix" }
        let text = address.family == .v6 ? "[\(address)]" : address.description
        return port.map { "\(text):\($0)" } ?? text
    }
}
