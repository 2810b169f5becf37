/// Bytes written in hexadecimal, as `--proxy-hex` takes them: `0d0a0d0a...`, optionally with a
/// `0x` prefix and with spaces or colons between the digits (`0d:0a`, `0d 0a`).
package enum HexBytes {
    /// Decodes `text`.
    ///
    /// - Parameter flag: the flag the errors name.
    /// - Throws: ``FlagError`` for a character that is not a hex digit, or an empty or odd
    ///   number of digits.
    package static func decode(_ text: String, flag: String = "--proxy-hex") throws(FlagError) -> [UInt8] {
        var digits = Array(text.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: ":") })
        if digits.starts(with: Array("0x".utf8)) || digits.starts(with: Array("0X".utf8)) { digits.removeFirst(2) }
        let values = digits.compactMap(value(of:))
        guard values.count == digits.count else { throw FlagError(flag, "'\(text)' is not hexadecimal") }
        guard !values.isEmpty, values.count % 2 == 0 else {
            throw FlagError(flag, "expected an even number of hex digits")
        }
        return stride(from: 0, to: values.count, by: 2).map { values[$0] << 4 | values[$0 + 1] }
    }

    /// The value of one hex digit, either case.
    static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
