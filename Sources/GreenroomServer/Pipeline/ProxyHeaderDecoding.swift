import GreenroomCore

/// The little the PROXY protocol handler needs from a PROXY header codec.
///
/// The channel handler only frames bytes and asks the codec; the codec (GreenroomCore's
/// `ProxyProtocol`) does all parsing. Kept as a protocol so the handler's tests can drive it
/// with any codec and so the handler does not depend on the codec's internals.
protocol ProxyHeaderDecoding: Sendable {
    /// Looks at the first bytes of a connection.
    func detect(_ bytes: ArraySlice<UInt8>) -> ProxyHeaderDetection
    /// Parses a header that ``detect(_:)`` recognised.
    func parse(_ bytes: ArraySlice<UInt8>) throws -> ProxyHeaderParse
}

/// What the first bytes of a connection are.
enum ProxyHeaderDetection: Sendable, Hashable {
    /// A PROXY header (either version) starts here.
    case proxyHeader
    /// Not a PROXY header.
    case notProxyHeader
    /// Too few bytes to tell.
    case needMoreBytes
}

/// The outcome of parsing a PROXY header.
enum ProxyHeaderParse: Sendable, Hashable {
    /// The header is not complete yet.
    case needMoreBytes
    /// A complete header of `consumed` bytes; `source` is `nil` for LOCAL/UNKNOWN.
    case complete(source: Peer?, tls: Bool, consumed: Int)
}
