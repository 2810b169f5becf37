extension UInt8 {
    /// `true` when the two bytes are equal, ignoring the case of ASCII letters: how nginx, Apache
    /// and HAProxy compare names (byte by byte, where a Unicode case mapping would equate the
    /// Kelvin sign with `k`).
    @inline(__always)
    package func equalsIgnoringASCIICase(_ other: UInt8) -> Bool {
        let lower = self | 0x20
        return self == other || (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z") && lower == other | 0x20)
    }
}

extension String {
    /// `true` when this text and `other` are equal, ignoring the case of ASCII letters
    /// (``Swift/UInt8/equalsIgnoringASCIICase(_:)``). Allocates nothing.
    package func equalsIgnoringASCIICase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return utf8.elementsEqual(other.utf8) { $0.equalsIgnoringASCIICase($1) }
    }
}
