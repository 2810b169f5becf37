/// The validated inputs of `greenroom explain`: a connection's peer, an optional PROXY header it
/// sent, the request's forwarding headers and the trust settings; ``resolve()`` decides as the
/// server would.
///
/// It judges with the library's own rules, never a copy: ``ConnectionOrigin`` for the PROXY
/// header and ``ForwardedResolver`` for the headers.
package struct ExplainRequest: Sendable {
    /// The socket's peer, as `--peer` gave it.
    package let socketPeer: Peer
    /// The resolver the trust settings describe.
    package let resolver: ForwardedResolver
    /// The request's headers, in order.
    package let headers: [(name: String, value: String)]
    /// The peer the headers are judged against: the socket's, or a trusted PROXY header's source.
    package let origin: ConnectionOrigin
    /// What the PROXY header did, for the narrative; `nil` without `--proxy-hex`.
    package let proxyNote: String?

    /// Parses the inputs.
    ///
    /// - Parameters:
    ///   - peer: `--peer`: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711` or `unix`.
    ///   - trust: the parsed trust flags.
    ///   - headers: `--header` lines, `Name: value`, in order.
    ///   - proxyHex: `--proxy-hex`: a PROXY v1 or v2 header in hex, as the peer sent it.
    /// - Throws: ``FlagError`` naming the flag: a bad peer, header line or hex text, an
    ///   incomplete or malformed PROXY header, or one from a peer the server would not believe.
    package init(peer: String, trust: TrustSettings, headers: [String], proxyHex: String?) throws(FlagError) {
        do {
            socketPeer = try Peer(parsing: peer)
        } catch {
            throw FlagError("--peer", error.reason)
        }
        resolver = trust.resolver
        self.headers = try headers.map { line throws(FlagError) in try HeaderLine.parse(line) }
        guard let proxyHex else {
            (origin, proxyNote) = (ConnectionOrigin(socketPeer: socketPeer), nil)
            return
        }
        (origin, proxyNote) = try Self.readProxyHeader(proxyHex, socketPeer: socketPeer, trusted: resolver.trusted)
    }

    /// Resolves the client, as the server would for this request.
    package func resolve() -> ExplainResult {
        let client = resolver.resolve(
            peer: origin.peer,
            headers: headers,
            peerVia: origin.via,
            socketScheme: origin.scheme
        )
        return ExplainResult(client: client, trusted: resolver.trusted, proxyNote: proxyNote)
    }

    /// Decodes `--proxy-hex` and applies the PROXY protocol's trust rule (``ConnectionOrigin``).
    static func readProxyHeader(
        _ hex: String,
        socketPeer: Peer,
        trusted: TrustedProxies
    ) throws(FlagError) -> (ConnectionOrigin, String) {
        let bytes = try HexBytes.decode(hex)
        let header: ProxyHeader
        let consumed: Int
        do {
            switch try ProxyProtocol.parse(bytes) {
            case .needMoreBytes(let atLeast):
                throw FlagError("--proxy-hex", "the header is incomplete (at least \(atLeast) more bytes needed)")
            case .complete(let parsed, let count):
                (header, consumed) = (parsed, count)
            }
        } catch let error as FlagError {
            throw error
        } catch {
            throw FlagError("--proxy-hex", "\(error)")
        }
        guard let origin = ConnectionOrigin(socketPeer: socketPeer, header: header, trusted: trusted) else {
            throw FlagError(
                "--proxy-hex",
                "the socket peer \(socketPeer) is not trusted, so Greenroom would close the connection: "
                    + "PROXY headers are only accepted from trusted proxies"
            )
        }
        let trailing = bytes.count - consumed
        let extra = trailing > 0 ? " (\(trailing) bytes after it belong to the HTTP request)" : ""
        let tls = origin.scheme == "https" ? ", client used TLS" : ""
        let version = "PROXY v\(header.version.rawValue)"
        guard origin.via == .proxyProtocol else {
            let kind = header.command == .local ? "LOCAL" : "without addresses"
            return (origin, "\(version) \(kind), socket peer kept\(extra)")
        }
        return (origin, "\(version) from trusted \(socketPeer): source \(origin.peer)\(tls)\(extra)")
    }
}
