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
    @usableFromInline
    static func classify(_ name: String) -> ForwardingHeaderName? {
        var name = name
        return name.withUTF8 { classify($0) }
    }

    @usableFromInline
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> ForwardingHeaderName? {
        switch bytes.count {
        case 4: return ASCII.equalsIgnoringCase(bytes, "host") ? .host : nil
        case 9: return ASCII.equalsIgnoringCase(bytes, "forwarded") ? .forwarded : nil
        case 15: return ASCII.equalsIgnoringCase(bytes, "x-forwarded-for") ? .xForwardedFor : nil
        case 16:
            if ASCII.equalsIgnoringCase(bytes, "x-forwarded-host") { return .xForwardedHost }
            if ASCII.equalsIgnoringCase(bytes, "x-forwarded-port") { return .xForwardedPort }
            return nil
        case 17: return ASCII.equalsIgnoringCase(bytes, "x-forwarded-proto") ? .xForwardedProto : nil
        case 18: return ASCII.equalsIgnoringCase(bytes, "x-forwarded-prefix") ? .xForwardedPrefix : nil
        default: return nil
        }
    }
}
