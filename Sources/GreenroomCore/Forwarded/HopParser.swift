/// Parses single hops of `X-Forwarded-For` and RFC 7239 `Forwarded` without allocating.
@usableFromInline
enum HopParser {
    /// Parses one `X-Forwarded-For` element (already trimmed): `192.0.2.1`, `192.0.2.1:4711`,
    /// `2001:db8::1`, `[2001:db8::1]` or `[2001:db8::1]:4711`. Anything else (including
    /// `unknown`, an obfuscated `_id`, an address with a zone id) is `nil`: unparseable.
    @inlinable
    static func parseXForwardedFor(_ bytes: UnsafeBufferPointer<UInt8>) -> TrustChain.Hop? {
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        // The common case first: a bare IPv4 address fails fast on anything else.
        if let bits = IPAddress.parseIPv4(bytes) { return TrustChain.Hop(address: IPAddress(ipv4: bits), port: nil) }
        if bytes[0] == UInt8(ascii: "[") { return parseBracketed(bytes, allowObfuscatedPort: false) }
        var colons = 0
        var lastColon = -1
        for index in 0..<bytes.count where bytes[index] == UInt8(ascii: ":") {
            colons += 1
            lastColon = index
        }
        switch colons {
        case 0:
            return nil
        case 1:
            guard let bits = IPAddress.parseIPv4(UnsafeBufferPointer(rebasing: bytes[..<lastColon])),
                let port = ASCII.parsePort(UnsafeBufferPointer(rebasing: bytes[(lastColon + 1)...]))
            else { return nil }
            return TrustChain.Hop(address: IPAddress(ipv4: bits), port: port)
        default:
            guard let bits = IPAddress.parseIPv6(bytes) else { return nil }
            return TrustChain.Hop(address: IPAddress(ipv6: bits).unmapped, port: nil)
        }
    }

    /// Parses an RFC 7239 node (the unquoted value of `for=`/`by=`): `192.0.2.1`,
    /// `192.0.2.1:4711`, `[2001:db8::1]:4711`, with an obfuscated port (`:_abc`) allowed and
    /// reported as unknown. `unknown`, obfuscated names and anything else are `nil`.
    @inlinable
    static func parseForwardedNode(_ bytes: UnsafeBufferPointer<UInt8>) -> TrustChain.Hop? {
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        if bytes[0] == UInt8(ascii: "[") { return parseBracketed(bytes, allowObfuscatedPort: true) }
        var colon = -1
        for index in 0..<bytes.count where bytes[index] == UInt8(ascii: ":") {
            guard colon < 0 else { return nil }  // RFC 7239 requires brackets around IPv6
            colon = index
        }
        let nameEnd = colon < 0 ? bytes.count : colon
        guard let bits = IPAddress.parseIPv4(UnsafeBufferPointer(rebasing: bytes[..<nameEnd])) else { return nil }
        guard colon >= 0 else { return TrustChain.Hop(address: IPAddress(ipv4: bits), port: nil) }
        let portBytes = UnsafeBufferPointer(rebasing: bytes[(colon + 1)...])
        if let port = ASCII.parsePort(portBytes) { return TrustChain.Hop(address: IPAddress(ipv4: bits), port: port) }
        guard isObfuscated(portBytes) else { return nil }
        return TrustChain.Hop(address: IPAddress(ipv4: bits), port: nil)
    }

    @inlinable

    static func parseBracketed(_ bytes: UnsafeBufferPointer<UInt8>, allowObfuscatedPort: Bool) -> TrustChain.Hop? {
        var close = -1
        for index in 1..<bytes.count where bytes[index] == UInt8(ascii: "]") {
            close = index
            break
        }
        guard close > 1, let bits = IPAddress.parseIPv6(UnsafeBufferPointer(rebasing: bytes[1..<close])) else {
            return nil
        }
        let address = IPAddress(ipv6: bits).unmapped
        if close == bytes.count - 1 { return TrustChain.Hop(address: address, port: nil) }
        guard bytes[close + 1] == UInt8(ascii: ":") else { return nil }
        let portBytes = UnsafeBufferPointer(rebasing: bytes[(close + 2)...])
        if let port = ASCII.parsePort(portBytes) { return TrustChain.Hop(address: address, port: port) }
        guard allowObfuscatedPort, isObfuscated(portBytes) else { return nil }
        return TrustChain.Hop(address: address, port: nil)
    }

    /// RFC 7239 `obfnode`/`obfport`: `_` followed by ALPHA / DIGIT / `.` / `_` / `-`.
    @inlinable
    static func isObfuscated(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "_") else { return false }
        for byte in bytes.dropFirst() {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            default:
                return false
            }
        }
        return true
    }
}
