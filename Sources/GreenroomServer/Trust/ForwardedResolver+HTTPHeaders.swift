public import GreenroomCore
public import HTTPTypes
public import NIOHTTP1

extension ForwardedResolver {
    /// Resolves the client of a request decoded by NIO, reading its `HTTPHeaders` in place.
    ///
    /// `HTTPHeaders` already is a collection of `(name, value)` pairs, so nothing is copied: the
    /// resolver classifies each name once and reads only the forwarding lines.
    ///
    /// - Parameters:
    ///   - connection: the connection's peer, from ``ProxyProtocolHandler`` or
    ///     ``ConnectionPeer/init(socketPeer:)``.
    ///   - headers: the request's header fields.
    @inlinable
    public func resolve(_ connection: ConnectionPeer, headers: HTTPHeaders) -> ClientAddress {
        resolve(peer: connection.peer, headers: headers, peerVia: connection.via, socketScheme: connection.scheme)
    }

    /// Resolves the client of a request whose fields are swift-http-types `HTTPFields` (Hummingbird
    /// 2, `NIOHTTPTypes`, OpenAPI), reading them in place.
    ///
    /// - Parameters:
    ///   - connection: the connection's peer, from ``ProxyProtocolHandler`` or
    ///     ``ConnectionPeer/init(socketPeer:)``.
    ///   - fields: the request's header fields.
    @inlinable
    public func resolve(_ connection: ConnectionPeer, fields: HTTPFields) -> ClientAddress {
        resolve(peer: connection.peer, fields: fields, peerVia: connection.via, socketScheme: connection.scheme)
    }

    /// Resolves the client of a swift-http-types `HTTPRequest` (Hummingbird 2's `request.head`),
    /// reading its fields in place.
    ///
    /// HTTP/1 adapters move `Host` into the request's `authority` (RFC 9113 §8.3.1's
    /// `:authority`), so the authority stands in for the `Host` field an untrusted peer's
    /// `host` comes from.
    ///
    /// - Parameters:
    ///   - connection: the connection's peer, from ``ProxyProtocolHandler`` or
    ///     ``ConnectionPeer/init(socketPeer:)``.
    ///   - request: the request head.
    @inlinable
    public func resolve(_ connection: ConnectionPeer, request: HTTPRequest) -> ClientAddress {
        resolve(
            peer: connection.peer,
            headers: HTTPFieldPairs(request.headerFields, authority: request.authority),
            peerVia: connection.via,
            socketScheme: connection.scheme
        )
    }

    /// Resolves the client of a request whose fields are swift-http-types `HTTPFields`, reading
    /// them in place: the same rules as `resolve(peer:headers:peerVia:socketScheme:)`
    /// with each field seen as its canonical (lower-case) name and its value, no array built.
    ///
    /// - Parameters:
    ///   - peer: the connection's peer, or the source of a PROXY header from a trusted peer.
    ///   - fields: the request's header fields.
    ///   - peerVia: `proxyProtocol` when `peer` came from a PROXY header.
    ///   - socketScheme: the connection's own scheme.
    @inlinable
    public func resolve(
        peer: Peer,
        fields: HTTPFields,
        peerVia: ClientAddress.Via = .peer,
        socketScheme: String = "http"
    ) -> ClientAddress {
        resolve(peer: peer, headers: HTTPFieldPairs(fields), peerVia: peerVia, socketScheme: socketScheme)
    }
}

/// `HTTPFields` seen as the `(name, value)` pairs the resolver reads, without copying: each
/// element is the field's canonical name and value, both strings the field already holds. A
/// request's `authority`, when given, comes first as `host`.
@usableFromInline
struct HTTPFieldPairs: RandomAccessCollection {
    @usableFromInline let fields: HTTPFields
    @usableFromInline let authority: String?

    @inlinable init(_ fields: HTTPFields, authority: String? = nil) {
        self.fields = fields
        self.authority = authority
    }

    @inlinable var startIndex: Int { authority == nil ? 0 : -1 }
    @inlinable var endIndex: Int { fields.count }

    @inlinable
    subscript(position: Int) -> (name: String, value: String) {
        if position < 0, let authority { return ("host", authority) }
        let field = fields[fields.index(fields.startIndex, offsetBy: position)]
        return (field.name.canonicalName, field.value)
    }
}
