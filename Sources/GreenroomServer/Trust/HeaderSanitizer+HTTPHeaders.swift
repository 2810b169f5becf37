public import GreenroomCore
public import HTTPTypes
public import NIOHTTP1

extension HeaderSanitizer {
    /// Removes every forwarding header (`forwardingHeaderNames`
    /// and `additionalNames`) from NIO `HTTPHeaders`, keeping the
    /// others in order. Call it for a request whose peer is not trusted.
    ///
    /// Reads the names once and copies nothing when there is none to remove, the usual case.
    ///
    /// - Returns: how many fields it removed.
    @discardableResult
    public func sanitize(_ headers: inout HTTPHeaders) -> Int {
        guard headers.contains(where: { isForwardingHeader($0.name) }) else { return 0 }
        var kept: [(String, String)] = []
        kept.reserveCapacity(headers.count)
        for (name, value) in headers where !isForwardingHeader(name) { kept.append((name, value)) }
        let removed = headers.count - kept.count
        headers = HTTPHeaders(kept)
        return removed
    }

    /// Removes every forwarding header from swift-http-types `HTTPFields`, keeping the others in
    /// order. Call it for a request whose peer is not trusted.
    ///
    /// Reads the names once and changes nothing when there is none to remove, the usual case.
    ///
    /// - Returns: how many fields it removed.
    @discardableResult
    public func sanitize(_ fields: inout HTTPFields) -> Int {
        guard fields.contains(where: { isForwardingHeader($0.name.canonicalName) }) else { return 0 }
        let before = fields.count
        fields.removeAll { isForwardingHeader($0.name.canonicalName) }
        return before - fields.count
    }
}
