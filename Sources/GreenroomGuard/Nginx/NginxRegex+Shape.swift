import GreenroomCore

extension NginxRegex {
    /// The number of capturing groups in `pattern` (numbered and named).
    static func captureCount(_ pattern: String) -> Int {
        var count = 0
        scan(pattern) { bytes, index in
            if isCapturingGroup(bytes, at: index) { count += 1 }
        }
        return count
    }

    /// For each capturing group (numbered from 1, named ones included, as PCRE numbers them), the
    /// capturing group directly around it, or `nil` at the top.
    static func captureParents(_ pattern: String) -> [Int: Int?] {
        var parents: [Int: Int?] = [:]
        var open: [Int?] = []
        var count = 0
        scan(pattern) { bytes, index in
            if bytes[index] == UInt8(ascii: "(") {
                if isCapturingGroup(bytes, at: index) {
                    count += 1
                    // Assigning a bare `nil` would remove the key: store "no parent" explicitly.
                    let parent: Int? = open.last { $0 != nil } ?? nil
                    parents.updateValue(parent, forKey: count)
                    open.append(count)
                } else {
                    open.append(nil)
                }
            } else if bytes[index] == UInt8(ascii: ")"), !open.isEmpty {
                open.removeLast()
            }
        }
        return parents
    }

    /// `true` when the `(` at `index` opens a capturing group: `(…)`, `(?<name>…)`,
    /// `(?P<name>…)`, `(?'name'…)`; not `(?:`, `(?=`, `(?<=`, `(?<!`…
    private static func isCapturingGroup(_ bytes: [UInt8], at index: Int) -> Bool {
        guard bytes[index] == UInt8(ascii: "(") else { return false }
        let next = index + 1 < bytes.count ? bytes[index + 1] : 0
        if next != UInt8(ascii: "?") { return true }
        var cursor = index + 2
        if cursor < bytes.count && bytes[cursor] == UInt8(ascii: "P") { cursor += 1 }
        guard cursor + 1 < bytes.count else { return false }
        return bytes[cursor] == UInt8(ascii: "'")
            || (bytes[cursor] == UInt8(ascii: "<") && bytes[cursor + 1] != UInt8(ascii: "=")
                && bytes[cursor + 1] != UInt8(ascii: "!"))
    }

    /// `true` when a `.` outside a character class is not escaped between two name characters
    /// (`example.com`), where a literal dot was meant.
    static func hasUnescapedDot(_ pattern: String) -> Bool {
        var found = false
        scan(pattern) { bytes, index in
            guard bytes[index] == UInt8(ascii: "."), index >= 1, index + 1 < bytes.count else { return }
            if isWordByte(bytes[index - 1]) && isWordByte(bytes[index + 1]) { found = true }
        }
        return found
    }

    /// The first group that repeats while something inside it repeats too (`(a+)+`, `(\w+/?)*`),
    /// as written, or `nil`.
    static func nestedRepetition(_ pattern: String) -> String? {
        var stack: [(start: Int, repeats: Bool)] = []
        var found: String? = nil
        scan(pattern) { bytes, index in
            guard found == nil else { return }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "("):
                stack.append((index, false))
            case UInt8(ascii: ")"):
                guard let group = stack.popLast() else { return }
                if group.repeats, index + 1 < bytes.count, isUnbounded(bytes, at: index + 1) {
                    found = String(decoding: bytes[group.start...(index + 1)], as: UTF8.self)
                }
                if group.repeats, !stack.isEmpty { stack[stack.count - 1].repeats = true }
            default:
                if !stack.isEmpty, isUnbounded(bytes, at: index), index >= 1,
                    bytes[index - 1] != UInt8(ascii: "("), bytes[index - 1] != UInt8(ascii: "?")
                {
                    stack[stack.count - 1].repeats = true
                }
            }
        }
        return found
    }

    /// `+`, `*` or `{n,}` at `index`.
    private static func isUnbounded(_ bytes: [UInt8], at index: Int) -> Bool {
        let byte = bytes[index]
        if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "*") { return true }
        guard byte == UInt8(ascii: "{") else { return false }
        var cursor = index + 1
        while cursor < bytes.count && bytes[cursor] >= UInt8(ascii: "0") && bytes[cursor] <= UInt8(ascii: "9") {
            cursor += 1
        }
        return cursor + 1 < bytes.count && bytes[cursor] == UInt8(ascii: ",") && bytes[cursor + 1] == UInt8(ascii: "}")
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// Calls `body` for each byte of `pattern` that is outside a character class and not escaped.
    /// An escaped byte or a whole class counts as one atom: `body` sees its last byte (`]`) so that
    /// a quantifier after it is seen as repeating it.
    private static func scan(_ pattern: String, _ body: ([UInt8], Int) -> Void) {
        let bytes = Array(pattern.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte == UInt8(ascii: "[") {
                var end = index + 1
                if end < bytes.count && bytes[end] == UInt8(ascii: "^") { end += 1 }
                if end < bytes.count && bytes[end] == UInt8(ascii: "]") { end += 1 }
                while end < bytes.count && bytes[end] != UInt8(ascii: "]") {
                    if bytes[end] == UInt8(ascii: "\\") { end += 1 }
                    end += 1
                }
                index = end + 1
                continue
            }
            body(bytes, index)
            index += 1
        }
    }
}
