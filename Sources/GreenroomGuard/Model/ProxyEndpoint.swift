import GreenroomConfigParsing
import GreenroomCore

/// A backend address a proxy sends requests to, as written in its configuration.
///
/// Parsed from nginx `proxy_pass` and `upstream { server ...; }`, and Apache `ProxyPass` and
/// `BalancerMember`. Host names are kept as written; ``AppExpectation/match(_:)`` decides what
/// they can reach.
public struct ProxyEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// Where the proxy connects.
    public enum Address: Sendable, Hashable, CustomStringConvertible {
        /// A TCP address: an address literal (without brackets) or a host name, and a port.
        case tcp(host: String, port: Int)
        /// A unix-domain socket path.
        case unix(path: String)

        /// `127.0.0.1:8000`, `[::1]:8000` or `unix:/run/app.sock`.
        public var description: String {
            switch self {
            case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case .unix(let path): "unix:\(path)"
            }
        }
    }

    /// Where the proxy connects.
    public var address: Address
    /// Where the address is written (the `proxy_pass`, the upstream `server` line...).
    public var location: SourceLocation

    /// Creates an endpoint.
    public init(_ address: Address, at location: SourceLocation) {
        self.address = address
        self.location = location
    }

    /// The address, as the proxy would print it.
    public var description: String { address.description }

    /// The IP address the host names, if it is an address literal (including the short IPv4
    /// forms a resolver accepts, such as `0` for `0.0.0.0`).
    public var ipAddress: IPAddress? {
        guard case .tcp(let host, _) = address else { return nil }
        return IPAddress(numericHost: host)
    }

    /// `true` for `0.0.0.0`, `::` and their spellings: a wildcard is a bind address, not a
    /// destination (Linux quietly connects to this host instead).
    public var isWildcard: Bool { ipAddress?.isUnspecified ?? false }

    /// `true` when the host is `localhost` (or `localhost.`), which resolves to both `127.0.0.1` and
    /// `::1` on most systems.
    public var isLocalhostName: Bool {
        guard case .tcp(let host, _) = address else { return false }
        let lowered = host.lowercased()
        return lowered == "localhost" || lowered == "localhost." || lowered == "ip6-localhost"
    }

    /// Splits `host:port`, `[v6]:port`, `host` or `[v6]` into host (without brackets) and port.
    ///
    /// - Returns: `nil` when the port is not a number in 1...65535.
    public static func splitHostPort(_ text: String, defaultPort: Int?) -> (host: String, port: Int?)? {
        // Byte by byte: every separator is ASCII (and a proxy reads bytes).
        var host = Substring(text)
        var portText: Substring? = nil
        if host.utf8.first == UInt8(ascii: "[") {
            guard let close = host.firstASCIIIndex(of: "]") else { return nil }
            let inner = host[host.utf8.index(after: host.startIndex)..<close]
            let rest = host[host.utf8.index(after: close)...]
            if rest.utf8.first == UInt8(ascii: ":") {
                portText = rest[rest.utf8.index(after: rest.startIndex)...]
            } else if !rest.isEmpty {
                return nil
            }
            host = inner
        } else if let colon = host.lastASCIIIndex(of: ":"), host.firstASCIIIndex(of: ":") == colon {
            portText = host[host.utf8.index(after: colon)...]
            host = host[..<colon]
        }
        guard let portText else { return (String(host), defaultPort) }
        guard let port = Int(portText), (1...65535).contains(port), portText.utf8.first != UInt8(ascii: "+") else {
            return nil
        }
        return (String(host), port)
    }
}
