import GreenroomCore

extension IPAddress {
    /// The address a resolver (glibc `getaddrinfo`, hence nginx, httpd and HAProxy) makes of a
    /// numeric host: a normal literal, or one of `inet_aton`'s short IPv4 forms.
    ///
    /// `0` is `0.0.0.0`, `127.1` is `127.0.0.1`, `0x7f.1` too; each part may be decimal, octal
    /// (leading `0`) or hex (`0x`), and the last part fills the remaining bytes. Host names give `nil`.
    package init?(numericHost host: String) {
        if let address = IPAddress(host) {
            self = address
            return
        }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            guard let value = Self.inetAtonPart(part) else { return nil }
            values.append(value)
        }
        var result: UInt64 = 0
        for (index, value) in values.enumerated() {
            let isLast = index == values.count - 1
            let bits = isLast ? 32 - 8 * index : 8
            guard value < (1 << UInt64(bits)) else { return nil }
            result |= isLast ? value : value << UInt64(32 - 8 * (index + 1))
        }
        let dotted = [24, 16, 8, 0].map { String((result >> UInt64($0)) & 0xff) }.joined(separator: ".")
        guard let address = IPAddress(dotted) else { return nil }
        self = address
    }

    private static func inetAtonPart(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.utf8.count <= 12 else { return nil }
        let lowered = part.lowercased()
        if lowered.hasPrefix("0x") {
            return UInt64(lowered.dropFirst(2), radix: 16)
        }
        if lowered.hasPrefix("0") && lowered.count > 1 { return UInt64(lowered.dropFirst(), radix: 8) }
        guard lowered.allSatisfy(\.isASCII) else { return nil }
        return UInt64(lowered, radix: 10)
    }
}
