/// Validation of the scheme, host, port and prefix values that trusted hops report.
///
/// A trusted proxy can still be misconfigured to pass a client's value through, so values are
/// checked for shape: a value that is not a plausible scheme, host, port or path prefix is ignored
/// and the connection's own value is used instead.
@usableFromInline
enum ForwardedValues {
    /// The scheme a trusted hop reports, as uvicorn reads it: `http` or `https`, ignoring case,
    /// with the WebSocket schemes `ws` and `wss` meaning `http` and `https`. Anything else is
    /// `nil`, and the connection's own scheme is used: an application builds URLs and security
    /// decisions (secure cookies, redirects) from this value, so it is one of two words.
    @inlinable
    static func scheme(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if ASCII.equalsIgnoringCase(bytes, "https") || ASCII.equalsIgnoringCase(bytes, "wss") { return "https" }
        if ASCII.equalsIgnoringCase(bytes, "http") || ASCII.equalsIgnoringCase(bytes, "ws") { return "http" }
        return nil
    }

    /// A host: a DNS-style name or `[IPv6]`, optional `:port`; at most 255 characters,
    /// lower-cased.
    @inlinable
    static func host(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        isValidHost(bytes) ? lowercased(bytes) : nil
    }

    /// `true` for a DNS-style name or `[IPv6]`, optional `:port`, at most 255 characters.
    @inlinable
    static func isValidHost(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 255 else { return false }
        var index = 0
        if bytes[0] == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")),
                IPAddress.parseIPv6(UnsafeBufferPointer(rebasing: bytes[1..<close])) != nil
            else { return false }
            index = close + 1
        } else {
            while index < bytes.count, bytes[index] != UInt8(ascii: ":") {
                guard isRegNameByte(bytes[index]) else { return false }
                index += 1
            }
            guard index > 0 else { return false }
        }
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: ":"),
                index + 1 == bytes.count || ASCII.parsePort(UnsafeBufferPointer(rebasing: bytes[(index + 1)...])) != nil
            else { return false }
        }
        return true
    }

    /// The bytes as a lower-case string, copying through the stack only when needed.
    @inlinable
    static func lowercased(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if !bytes.contains(where: { $0 &- 65 < 26 }) { return String(decoding: bytes, as: UTF8.self) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { buffer in
            for index in 0..<bytes.count { buffer[index] = ASCII.lower(bytes[index]) }
            return String(decoding: UnsafeBufferPointer(buffer), as: UTF8.self)
        }
    }

    /// A whole header value as a host: the value itself when it is already valid and lower case
    /// (no copy, the common case), else the validated, lower-cased text of its one element.
    @inlinable
    static func host(wholeValue value: String) -> String? {
        ForwardedResolver.withBytes(value) { bytes -> String? in
            var start = 0
            var end = bytes.count
            while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start &+= 1 }
            while end > start, bytes[end &- 1] == UInt8(ascii: " ") || bytes[end &- 1] == UInt8(ascii: "\t") {
                end &-= 1
            }
            let trimmed = UnsafeBufferPointer(rebasing: bytes[start..<end])
            guard start == 0, end == bytes.count, !trimmed.contains(where: { $0 &- 65 < 26 }) else {
                return host(trimmed)
            }
            return isValidHost(trimmed) ? value : nil
        }
    }

    /// A TCP port, 1...65535.
    @inlinable
    static func port(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt16? {
        guard let port = ASCII.parsePort(bytes), port != 0 else { return nil }
        return port
    }

    /// A path prefix: starts with one `/` (not `//`, which browsers read as another host), visible
    /// ASCII without `\ " < > ? #`, at most 1024 characters; a trailing `/` is dropped.
    @inlinable
    static func prefix(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard !bytes.isEmpty, bytes.count <= 1024, bytes[0] == UInt8(ascii: "/") else { return nil }
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") { return nil }
        for byte in bytes {
            guard byte > 0x20, byte < 0x7F else { return nil }
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "?"),
                UInt8(ascii: "#"):
                return nil
            default: continue
            }
        }
        var end = bytes.count
        while end > 1, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        if end == 1 { return nil }  // "/" is no prefix at all
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
    }

    /// Host name bytes: letters, digits, `-`, `.`, `_`. RFC 3986 allows more (sub-delims, `%`),
    /// but no DNS name needs them and each is a way to smuggle text into logs, URLs or HTML.
    @inlinable
    static func isRegNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}
