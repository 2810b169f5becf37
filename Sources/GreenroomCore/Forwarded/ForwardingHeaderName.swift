/// The request headers the resolver reads, recognised by name without allocating.
@usableFromInline
enum ForwardingHeaderName: UInt8, Sendable {
    case xForwardedFor
    case forwarded
    case xForwardedProto
    case xForwardedHost
    case xForwardedPort
    case xForwardedPrefix
    case host

    /// Classifies a header name, ignoring ASCII case.
    @inlinable
    static func classify(_ name: String) -> ForwardingHeaderName? {
        let count = name.utf8.count
        guard count == 4 || count == 9 || (count >= 15 && count <= 18) else { return nil }
        return ForwardedResolver.withBytes(name) { classify($0) }
    }

    @inlinable
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> ForwardingHeaderName? {
        switch bytes.count {
        case 4: return ASCII.equalsHeaderName(bytes, canonical: "Host", lowercase: "host") ? .host : nil
        case 9:
            return ASCII.equalsHeaderName(bytes, canonical: "Forwarded", lowercase: "forwarded") ? .forwarded : nil
        case 15:
            return ASCII.equalsHeaderName(bytes, canonical: "X-Forwarded-For", lowercase: "x-forwarded-for")
                ? .xForwardedFor : nil
        case 16:
            if ASCII.equalsHeaderName(bytes, canonical: "X-Forwarded-Host", lowercase: "x-forwarded-host") {
                return .xForwardedHost
            }
            if ASCII.equalsHeaderName(bytes, canonical: "X-Forwarded-Port", lowercase: "x-forwarded-port") {
                return .xForwardedPort
            }
            return nil
        case 17:
            return ASCII.equalsHeaderName(bytes, canonical: "X-Forwarded-Proto", lowercase: "x-forwarded-proto")
                ? .xForwardedProto : nil
        case 18:
            return ASCII.equalsHeaderName(bytes, canonical: "X-Forwarded-Prefix", lowercase: "x-forwarded-prefix")
                ? .xForwardedPrefix : nil
        default: return nil
        }
    }
}
