/// Where the forwarding headers of one request are, found in a single pass over its fields.
///
/// The resolver classifies every header name once; later steps jump straight to the lines they
/// need (usually one per family) instead of scanning all fields again.
@usableFromInline
struct HeaderScan<Headers: BidirectionalCollection> where Headers.Element == (name: String, value: String) {
    /// The lines of one header family: how many, and the last one.
    @usableFromInline
    struct Lines {
        @usableFromInline var count = 0
        @usableFromInline var last: Headers.Index?

        @inlinable init() {}
    }

    @usableFromInline var host: Headers.Index?
    @usableFromInline var xForwardedFor = Lines()
    @usableFromInline var forwarded = Lines()
    @usableFromInline var proto = Lines()
    @usableFromInline var forwardedHost = Lines()
    @usableFromInline var port = Lines()
    @usableFromInline var prefix = Lines()

    @inlinable
    init(_ headers: Headers) {
        var index = headers.startIndex
        while index != headers.endIndex {
            switch ForwardingHeaderName.classify(headers[index].name) {
            case .none: break
            case .host?: if host == nil { host = index }
            case .xForwardedFor?: Self.note(&xForwardedFor, index)
            case .forwarded?: Self.note(&forwarded, index)
            case .xForwardedProto?: Self.note(&proto, index)
            case .xForwardedHost?: Self.note(&forwardedHost, index)
            case .xForwardedPort?: Self.note(&port, index)
            case .xForwardedPrefix?: Self.note(&prefix, index)
            }
            headers.formIndex(after: &index)
        }
    }

    @inlinable
    static func note(_ lines: inout Lines, _ index: Headers.Index) {
        lines.count += 1
        lines.last = index
    }

    @inlinable
    func lines(_ name: ForwardingHeaderName) -> Lines {
        switch name {
        case .xForwardedFor: xForwardedFor
        case .forwarded: forwarded
        case .xForwardedProto: proto
        case .xForwardedHost: forwardedHost
        case .xForwardedPort: port
        case .xForwardedPrefix: prefix
        case .host: Lines()
        }
    }

    /// Calls `body` with the values of a family's lines, last line first, until it returns `false`.
    @inlinable
    func forEachLineReversed(
        _ name: ForwardingHeaderName,
        in headers: Headers,
        _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) {
        let family = lines(name)
        guard var index = family.last else { return }
        var remaining = family.count
        while true {
            if remaining == family.count || ForwardingHeaderName.classify(headers[index].name) == name {
                remaining -= 1
                let more = ForwardedResolver.withBytes(headers[index].value, body)
                if !more || remaining == 0 { return }
            }
            guard index != headers.startIndex else { return }
            headers.formIndex(before: &index)
        }
    }
}
