extension IPAddress {
    /// Parses an IPv4 address (`192.0.2.1`) or IPv6 address (`2001:db8::1`, `::ffff:192.0.2.1`).
    ///
    /// Strict by design, because these strings decide who is trusted: IPv4 octets are decimal
    /// with no leading zeros (`010.0.0.1` is refused rather than guessed as octal), IPv6 zone ids
    /// (`fe80::1%eth0`) and brackets are refused, surrounding whitespace is refused.
    ///
    /// - Throws: ``GreenroomError/Code/invalidIPAddress`` or ``GreenroomError/Code/zoneIDNotAllowed``.
    public init(parsing text: some StringProtocol) throws(GreenroomError) {
        let parsed =
            text.utf8.withContiguousStorageIfAvailable { IPAddress.parse($0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { IPAddress.parse($0) }
        if let parsed {
            self = parsed
            return
        }
        if text.contains("%") && text.contains(":") {
            throw GreenroomError(.zoneIDNotAllowed, "'\(text)': IPv6 zone ids (%...) are not allowed")
        }
        throw GreenroomError(.invalidIPAddress, "'\(text)' is not an IPv4 or IPv6 address")
    }

    /// Parses an address, returning `nil` instead of throwing.
    public init?(_ text: some StringProtocol) {
        guard let parsed = try? IPAddress(parsing: text) else { return nil }
        self = parsed
    }

    /// Parses an address from ASCII bytes without allocating; `nil` when they are not one.
    @inlinable
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        var sawColon = false
        for byte in bytes where byte == UInt8(ascii: ":") {
            sawColon = true
            break
        }
        if sawColon {
            guard let bits = parseIPv6(bytes) else { return nil }
            return IPAddress(ipv6: bits)
        }
        guard let bits = parseIPv4(bytes) else { return nil }
        return IPAddress(ipv4: bits)
    }

    /// Parses dotted-quad IPv4 with no leading zeros, in one pass.
    @inlinable
    static func parseIPv4(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        let count = bytes.count
        guard count >= 7, count <= 15, let base = bytes.baseAddress else { return nil }
        var result: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        var index = 0
        while index < count {
            let byte = base[index]
            let digit = byte &- UInt8(ascii: "0")
            if digit < 10 {
                // A leading zero is only allowed as the whole octet ("0", not "01").
                if digits == 1 && octet == 0 { return nil }
                octet = octet &* 10 &+ UInt32(digit)
                digits &+= 1
                if digits > 3 { return nil }
            } else if byte == UInt8(ascii: ".") {
                if digits == 0 || octet > 255 { return nil }
                result = result << 8 | octet
                octet = 0
                digits = 0
                dots &+= 1
                if dots > 3 { return nil }
            } else {
                return nil
            }
            index &+= 1
        }
        if dots != 3 || digits == 0 || octet > 255 { return nil }
        return result << 8 | octet
    }

    /// Parses RFC 4291 IPv6 text: up to eight 16-bit hex groups, one `::`, an optional trailing
    /// dotted IPv4 address. One pass: the groups before `::` collect in `head`, those after it in
    /// `tail`, and `::` stands for the zero groups between them.
    @inlinable
    static func parseIPv6(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt128? {
        let count = bytes.count
        if count < 2 || count > 45 { return nil }
        var head: UInt128 = 0
        var headCount = 0
        var tail: UInt128 = 0
        var tailCount = 0
        var sawGap = false
        var index = 0
        if bytes[0] == UInt8(ascii: ":") {
            guard bytes[1] == UInt8(ascii: ":") else { return nil }
            sawGap = true
            index = 2
            if index == count { return 0 }
        }
        while true {
            let start = index
            var value: UInt128 = 0
            while index < count, let digit = hexValue(bytes[index]) {
                if index - start == 4 { return nil }
                value = value << 4 | UInt128(digit)
                index += 1
            }
            if index < count, bytes[index] == UInt8(ascii: ".") {
                // A trailing dotted IPv4 address: the last two groups.
                guard let v4 = parseIPv4(UnsafeBufferPointer(rebasing: bytes[start..<count])) else { return nil }
                if sawGap {
                    tail = tail << 32 | UInt128(v4)
                    tailCount += 2
                } else {
                    head = head << 32 | UInt128(v4)
                    headCount += 2
                }
                break
            }
            if index == start { return nil }
            if sawGap {
                tail = tail << 16 | value
                tailCount += 1
            } else {
                head = head << 16 | value
                headCount += 1
            }
            if headCount + tailCount > 8 { return nil }
            if index == count { break }
            guard bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            if index < count, bytes[index] == UInt8(ascii: ":") {
                if sawGap { return nil }
                sawGap = true
                index += 1
                if index == count { break }
            } else if index == count {
                return nil  // trailing single colon
            }
        }
        // Without "::" there are exactly eight groups; "::" stands for at least one.
        guard sawGap ? headCount + tailCount <= 7 : headCount == 8 else { return nil }
        return headCount == 0 ? tail : head << (16 * (8 - headCount)) | tail
    }

    @inlinable
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}
