import GreenroomCore

/// Just enough PCRE reading to tell whether a capture group can match a line break.
enum NginxRegex {
    /// The text of capture group `name` (`"1"`, `"2"`, or a named group) in `pattern`.
    static func group(_ name: String, in pattern: String) -> String? {
        let bytes = Array(pattern.utf8)
        var index = 0
        var number = 0
        var inClass = false
        var starts: [(start: Int, matches: Bool)] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if inClass {
                if byte == UInt8(ascii: "]") { inClass = false }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "["):
                inClass = true
                if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "]") { index += 1 }
            case UInt8(ascii: "("):
                var capturing = true
                var groupName: String? = nil
                if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "?") {
                    capturing = false
                    // (?<name>...), (?P<name>...), (?'name'...) are capturing.
                    var cursor = index + 2
                    if cursor < bytes.count && bytes[cursor] == UInt8(ascii: "P") { cursor += 1 }
                    if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "<") || bytes[cursor] == UInt8(ascii: "'"),
                        cursor + 1 < bytes.count, bytes[cursor + 1] != UInt8(ascii: "="),
                        bytes[cursor + 1] != UInt8(ascii: "!")
                    {
                        let close: UInt8 = bytes[cursor] == UInt8(ascii: "<") ? UInt8(ascii: ">") : UInt8(ascii: "'")
                        if let end = bytes[(cursor + 1)...].firstIndex(of: close) {
                            groupName = String(decoding: bytes[(cursor + 1)..<end], as: UTF8.self)
                            capturing = true
                        }
                    }
                }
                var matches = false
                if capturing {
                    number += 1
                    matches = String(number) == name || groupName == name
                }
                starts.append((index, matches))
            case UInt8(ascii: ")"):
                if let open = starts.popLast(), open.matches {
                    return String(decoding: bytes[open.start...index], as: UTF8.self)
                }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// `true` when `regex` can match `\n` or `\r`: a negated class that does not exclude them,
    /// `\s`, `\W`, `\D`, `\v`, `\R`, or dot-all mode. A plain `.` is assumed not to (PCRE's
    /// default newline is LF).
    static func canMatchLineBreak(_ regex: String) -> Bool {
        let bytes = Array(regex.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                if "sWDvRNX".utf8.contains(bytes[index + 1]) && bytes[index + 1] != UInt8(ascii: "N") { return true }
                index += 2
                continue
            }
            if byte == UInt8(ascii: "["), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "^") {
                var end = index + 2
                if end < bytes.count && bytes[end] == UInt8(ascii: "]") { end += 1 }
                while end < bytes.count && bytes[end] != UInt8(ascii: "]") {
                    if bytes[end] == UInt8(ascii: "\\") { end += 1 }
                    end += 1
                }
                let inside = String(decoding: bytes[(index + 2)..<min(end, bytes.count)], as: UTF8.self)
                if !(inside.contains("\\n") || inside.contains("\\s") || inside.contains("\\v")
                    || inside.contains("\\R"))
                {
                    return true
                }
                index = end + 1
                continue
            }
            if byte == UInt8(ascii: "("), regex.utf8.dropFirst(index).starts(with: "(?s".utf8) { return true }
            index += 1
        }
        return false
    }
}
