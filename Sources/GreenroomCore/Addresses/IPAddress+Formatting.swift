extension IPAddress: CustomStringConvertible, LosslessStringConvertible {
    /// The canonical text form: dotted quad for IPv4; RFC 5952 for IPv6 (lower case, no leading
    /// zeros, the longest run of two or more zero groups as `::`, the first on a tie, and
    /// `::ffff:a.b.c.d` for IPv4-mapped addresses).
    public var description: String {
        switch family {
        case .v4:
            return Self.dottedQuad(UInt32(truncatingIfNeeded: bits))
        case .v6:
            if isIPv4Mapped { return "::ffff:" + Self.dottedQuad(UInt32(truncatingIfNeeded: bits)) }
            var groups = [UInt16](repeating: 0, count: 8)
            for index in 0..<8 { groups[index] = UInt16(truncatingIfNeeded: bits >> (16 * (7 - index))) }
            var bestStart = -1
            var bestLength = 1
            var runStart = -1
            for index in 0...8 {
                if index < 8, groups[index] == 0 {
                    if runStart < 0 { runStart = index }
                } else if runStart >= 0 {
                    if index - runStart > bestLength {
                        bestStart = runStart
                        bestLength = index - runStart
                    }
                    runStart = -1
                }
            }
            var text = ""
            var index = 0
            while index < 8 {
                if index == bestStart {
                    text += "::"
                    index += bestLength
                    continue
                }
                if !text.isEmpty, !text.hasSuffix(":") { text += ":" }
                text += String(groups[index], radix: 16)
                index += 1
            }
            return text
        }
    }

    static func dottedQuad(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }
}
