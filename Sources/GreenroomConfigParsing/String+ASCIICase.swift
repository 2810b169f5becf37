extension String {
    /// `true` when this text and `other` are equal, ignoring the case of ASCII letters: how
    /// nginx, Apache and HAProxy compare header and directive names (byte by byte, where a
    /// Unicode lowercasing would equate the Kelvin sign with `k`). Allocates nothing.
    package func equalsIgnoringASCIICase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return utf8.elementsEqual(other.utf8) { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= UInt8(ascii: "a") && (a | 0x20) <= UInt8(ascii: "z"))
        }
    }
}
