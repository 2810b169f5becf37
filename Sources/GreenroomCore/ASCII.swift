#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's optional whitespace).
    @inlinable
    func trimmingASCIIWhitespace() -> SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == " " || self[start] == "\t" { start = index(after: start) }
        while end > start {
            let before = index(before: end)
            guard self[before] == " " || self[before] == "\t" else { break }
            end = before
        }
        return self[start..<end]
    }
}

@usableFromInline
enum ASCII {
    /// Lower-cases one ASCII letter.
    @inlinable
    static func lower(_ byte: UInt8) -> UInt8 { byte &- 65 < 26 ? byte | 0x20 : byte }

    /// Compares ASCII bytes with a lower-case ASCII literal, ignoring case.
    @inlinable
    static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let literal = lowercase.utf8Start
        for index in 0..<bytes.count where lower(bytes[index]) != literal[index] { return false }
        return true
    }

    /// Compares ASCII bytes with a header name, first exactly against its canonical spelling
    /// (what nearly every client and proxy sends; one `memcmp`), then ignoring case.
    @inlinable
    static func equalsHeaderName(
        _ bytes: UnsafeBufferPointer<UInt8>,
        canonical: StaticString,
        lowercase: StaticString
    ) -> Bool {
        guard bytes.count == canonical.utf8CodeUnitCount, let base = bytes.baseAddress else { return false }
        if memcmp(base, canonical.utf8Start, bytes.count) == 0 { return true }
        return equalsIgnoringCase(bytes, lowercase)
    }

    /// `true` for a decimal digit.
    @inlinable
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }

    /// RFC 9110 `tchar`.
    @inlinable
    static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Parses a decimal port, 0...65535, with no sign and no leading zeros.
    @inlinable
    static func parsePort(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt16? {
        guard !bytes.isEmpty, bytes.count <= 5, bytes.count == 1 || bytes[0] != UInt8(ascii: "0") else { return nil }
        var value: UInt32 = 0
        for byte in bytes {
            guard isDigit(byte) else { return nil }
            value = value * 10 + UInt32(byte &- 48)
        }
        return value <= 65535 ? UInt16(value) : nil
    }
}
