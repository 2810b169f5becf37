/// The other end of a connection, as the socket (or a trusted PROXY header) reports it.
public enum Peer: Sendable, Hashable {
    /// A TCP peer, with its port when known. `nil` means unknown (an address given without a
    /// port); `0` is a port a PROXY header really carried, kept as it was said.
    case ip(IPAddress, port: UInt16?)
    /// A unix-domain-socket peer; the path is usually unknown (unnamed client sockets).
    case unix(path: String?)

    /// The peer's IP address (unmapped), or `nil` for a unix-socket peer.
    @inlinable
    public var address: IPAddress? {
        if case .ip(let address, _) = self { return address.unmapped }
        return nil
    }

    /// The peer's TCP port, or `nil` for a unix-socket peer or an unknown port. A known `0` (a
    /// PROXY header's source port 0) is `0`.
    @inlinable
    public var port: UInt16? {
        if case .ip(_, let port) = self { return port }
        return nil
    }
}

extension Peer: CustomStringConvertible {
    /// `192.0.2.1:4711`, `[2001:db8::1]:4711` (just the address when the port is unknown) or
    /// `unix:/path` / `unix`.
    public var description: String {
        switch self {
        case .ip(let address, let port):
            let address = address.unmapped
            guard let port else { return address.description }
            return address.family == .v4 ? "\(address):\(port)" : "[\(address)]:\(port)"
        case .unix(let path):
            return path.map { "unix:\($0)" } ?? "unix"
        }
    }
}
