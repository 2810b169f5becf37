/// Knows which request headers carry forwarding information, so they can be removed before an
/// application sees a request from a peer that is not trusted.
///
/// An application (or a library it uses) may read `X-Forwarded-For`, `X-Real-IP` or
/// `CF-Connecting-IP` on its own, however carefully Greenroom resolved the client. When the peer
/// is not trusted, every such header is a client's claim about itself, so Greenroom removes them
/// all; the resolved ``ClientAddress`` is the one true answer. Names are compared ignoring ASCII
/// case and treating `_` like `-`, because CGI-style gateways map both to the same variable
/// (`HTTP_X_FORWARDED_FOR`).
public struct HeaderSanitizer: Sendable, Hashable {
    /// The header names removed from untrusted peers' requests, in their usual spelling
    /// (`X-Forwarded-For`, `CF-Connecting-IP`).
    ///
    /// The one list of client claims about forwarding: the generated nginx, Apache httpd and
    /// HAProxy configurations clear exactly these (and their `_` spellings) before a request
    /// reaches the app, so the proxy and the server cannot disagree on what a client may forge.
    public static let canonicalForwardingHeaderNames: [String] = [
        "Forwarded",
        "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Prefix",
        "X-Forwarded-Server", "X-Forwarded-Ssl", "X-Forwarded-Scheme", "X-Forwarded-Protocol",
        "X-Original-Forwarded-For", "X-Original-Host", "X-Original-URL", "X-Rewrite-URL",
        "X-Real-IP", "X-Client-IP", "Client-IP", "X-Cluster-Client-IP", "True-Client-IP",
        "CF-Connecting-IP", "CF-Connecting-IPv6", "Fastly-Client-IP", "X-Azure-ClientIP", "X-AppEngine-User-IP",
        "X-Envoy-External-Address", "X-Url-Scheme", "Front-End-Https", "X-Https",
    ]

    /// The header names removed from untrusted peers' requests (lower case), in the order of
    /// ``canonicalForwardingHeaderNames``.
    public static let forwardingHeaderNames: [String] = canonicalForwardingHeaderNames.map { normalise($0) }

    /// Extra names to remove, lower case (e.g. a CDN's header this list lacks).
    public var additionalNames: [String]

    /// Creates a sanitizer.
    public init(additionalNames: [String] = []) {
        self.additionalNames = additionalNames.map { Self.normalise($0) }
    }

    /// `true` when `name` is a forwarding header (ignoring case, `_` equal to `-`).
    public func isForwardingHeader(_ name: some StringProtocol) -> Bool {
        let count = name.utf8.count
        guard count <= 32 else { return additionalNames.contains { Self.matches(name, $0) } }
        for candidate in Self.forwardingHeaderNames where candidate.utf8.count == count {
            if Self.matches(name, candidate) { return true }
        }
        return additionalNames.contains { Self.matches(name, $0) }
    }

    /// Compares a header name with a lower-case candidate, ignoring case and `_`/`-`.
    static func matches(_ name: some StringProtocol, _ candidate: String) -> Bool {
        guard name.utf8.count == candidate.utf8.count else { return false }
        for (byte, expected) in zip(name.utf8, candidate.utf8) {
            let normalised = byte == UInt8(ascii: "_") ? UInt8(ascii: "-") : ASCII.lower(byte)
            if normalised != expected { return false }
        }
        return true
    }

    /// The names among `names` that must be removed when the peer is not trusted, in order.
    public func headersToRemove(_ names: some Sequence<some StringProtocol>) -> [String] {
        names.filter { isForwardingHeader($0) }.map { String($0) }
    }

    /// Removes every forwarding header from `headers` (in place) and returns how many it removed.
    @discardableResult
    public func sanitize(_ headers: inout [(name: String, value: String)]) -> Int {
        let before = headers.count
        headers.removeAll { isForwardingHeader($0.name) }
        return before - headers.count
    }

    static func normalise(_ name: some StringProtocol) -> String {
        String(decoding: name.utf8.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: "-") : ASCII.lower($0) }, as: UTF8.self)
    }
}
