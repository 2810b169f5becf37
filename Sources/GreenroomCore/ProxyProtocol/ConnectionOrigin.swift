/// Who a connection's peer is for trust, and the scheme its client used: the socket's peer, or
/// the source named by a PROXY protocol header that came from a trusted proxy.
///
/// The rule: a PROXY header is only believed from a trusted socket peer (the server closes any
/// other connection that sends one). A header that names a source makes it the peer (via
/// `proxy-protocol`), with `https` when a v2 SSL TLV says the client used TLS; a `LOCAL` header
/// or one without addresses (a health check) keeps the socket's peer and scheme.
package struct ConnectionOrigin: Sendable, Hashable {
    /// The peer the forwarding headers are judged against.
    package var peer: Peer
    /// ``ClientAddress/Via/peer`` or ``ClientAddress/Via/proxyProtocol``.
    package var via: ClientAddress.Via
    /// The scheme of the client's connection: `http`, or `https` from a trusted PROXY v2 SSL TLV.
    package var scheme: String

    /// A connection without a PROXY header: the socket's peer over plain HTTP.
    package init(socketPeer: Peer) {
        self.init(peer: socketPeer, via: .peer, scheme: "http")
    }

    /// A connection that began with `header`; `nil` when `socketPeer` is not trusted, because
    /// the server then closes the connection.
    package init?(socketPeer: Peer, header: ProxyHeader, trusted: TrustedProxies) {
        guard trusted.trusts(socketPeer) else { return nil }
        self.init(socketPeer: socketPeer, trustedHeader: header)
    }

    /// A connection that began with `header` from a socket peer already found trusted (the
    /// server's PROXY handler checks once per connection).
    package init(socketPeer: Peer, trustedHeader header: ProxyHeader) {
        guard let source = header.sourcePeer else {
            self.init(socketPeer: socketPeer)
            return
        }
        self.init(peer: source, via: .proxyProtocol, scheme: header.clientUsedTLS ? "https" : "http")
    }

    private init(peer: Peer, via: ClientAddress.Via, scheme: String) {
        self.peer = peer
        self.via = via
        self.scheme = scheme
    }
}
