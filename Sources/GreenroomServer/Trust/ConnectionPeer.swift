public import GreenroomCore

/// Who is at the other end of a connection, for trust: the socket's peer, or the source that a
/// trusted proxy named in a PROXY protocol header.
///
/// ``ProxyProtocolHandler`` fires one as a user inbound event once it has read (or ruled out) the
/// header; without that handler, ``init(socketPeer:)`` makes one from the socket. Pass it to
/// ``GreenroomCore/ForwardedResolver/resolve(_:headers:)`` or
/// ``GreenroomCore/ForwardedResolver/resolve(_:fields:)`` for every request on the connection.
public struct ConnectionPeer: Sendable, Hashable {
    /// The address trust is decided for: a trusted PROXY header's source, else the socket's peer.
    public var peer: Peer
    /// `proxyProtocol` when ``peer`` came from a PROXY header,
    /// `peer` when it is the socket's peer.
    public var via: ClientAddress.Via
    /// The client spoke TLS to the proxy (a PROXY v2 `PP2_TYPE_SSL` record with `PP2_CLIENT_SSL`).
    public var tls: Bool
    /// The whole PROXY header a trusted peer sent (its TLVs: ALPN, authority, unique id, ...), or
    /// `nil` when the connection had none.
    public var proxyHeader: ProxyHeader?

    /// The connection's own scheme as the resolver's `socketScheme`: `https` when ``tls``.
    @inlinable
    public var scheme: String { tls ? "https" : "http" }

    /// A connection whose peer is its socket's peer (no PROXY header).
    public init(socketPeer: Peer) {
        self.peer = socketPeer
        self.via = .peer
        self.tls = false
        self.proxyHeader = nil
    }

    /// The connection described by a PROXY header from a trusted `socketPeer`.
    ///
    /// A `LOCAL` command or an `UNSPEC`/`UNKNOWN` address family keeps the socket's peer (the
    /// proxy speaks for itself, e.g. a health check), as the specification says; the header is
    /// still kept in ``proxyHeader``.
    public init(socketPeer: Peer, proxyHeader: ProxyHeader) {
        // The one rule `greenroom explain` follows too.
        let origin = ConnectionOrigin(socketPeer: socketPeer, trustedHeader: proxyHeader)
        self.proxyHeader = proxyHeader
        self.peer = origin.peer
        self.via = origin.via
        self.tls = origin.scheme == "https"
    }
}
