/// Whether connections start with a PROXY protocol header (v1 or v2).
///
/// A PROXY header is believed only from a trusted socket peer; from anyone else it closes the
/// connection. The header carries the real client's address when the proxy forwards TCP
/// (HAProxy `send-proxy-v2`, nginx `proxy_protocol on` in a `stream` block).
public enum ProxyProtocolMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// No PROXY header is expected; bytes that look like one are an HTTP error like any other.
    case off
    /// A trusted peer may send a PROXY header; connections without one are served as they are.
    case optional
    /// Every connection must start with a PROXY header from a trusted peer, or it is closed.
    case required

    public var description: String { rawValue }
}
