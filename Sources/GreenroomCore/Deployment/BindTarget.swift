/// Where a server listens: a TCP host and port, or a unix-domain socket path.
public enum BindTarget: Sendable, Hashable, CustomStringConvertible {
    /// A TCP listener. `host` is an IP literal (`127.0.0.1`, `::1`), `localhost`, or a wildcard
    /// spelling (`0.0.0.0`, `::`, `*`, empty) that the start-up guard usually refuses.
    case tcp(host: String, port: Int)
    /// A unix-domain socket at `path`, created with mode 0660.
    case unix(path: String)

    /// `127.0.0.1:8000`.
    public static let `default` = BindTarget.tcp(host: "127.0.0.1", port: 8000)

    /// `true` for `0.0.0.0`, `::`, `*` and the empty host: every interface.
    public var isWildcard: Bool {
        guard case .tcp(let host, _) = self else { return false }
        if host.isEmpty || host == "*" { return true }
        return Self.literal(host)?.isUnspecified ?? false
    }

    /// The IP address to bind, or `nil` for a unix socket or an unparseable host.
    /// `localhost` is `127.0.0.1`; the wildcard spellings are `0.0.0.0` (or `::` when written so).
    public var address: IPAddress? {
        guard case .tcp(let host, _) = self else { return nil }
        if host.isEmpty || host == "*" { return .anyV4 }
        return Self.literal(host)
    }

    /// The port, or `nil` for a unix socket.
    public var port: Int? {
        if case .tcp(_, let port) = self { return port }
        return nil
    }

    /// The URL a client uses: `http://127.0.0.1:8000`, `http://[::1]:8000`, `http+unix:///path`.
    public var url: String {
        switch self {
        case .unix(let path): return "http+unix://" + path
        case .tcp(let host, let port):
            guard let address else { return "http://\(host):\(port)" }
            return Self.url(address, port: port)
        }
    }

    /// `http://a.b.c.d:port` or `http://[v6]:port`.
    public static func url(_ address: IPAddress, port: Int) -> String {
        let address = address.unmapped
        return address.family == .v6 ? "http://[\(address)]:\(port)" : "http://\(address):\(port)"
    }

    public var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port):
            address.map { $0.family == .v6 ? "[\($0)]:\(port)" : "\($0):\(port)" } ?? "\(host):\(port)"
        }
    }

    /// The address a host spelling names: an IP literal (brackets allowed), `localhost`, or `nil`.
    package static func literal(_ host: String) -> IPAddress? {
        if host.lowercased() == "localhost" { return .loopbackV4 }
        var text = Substring(host)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        return IPAddress(text)
    }
}
