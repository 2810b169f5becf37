/// A shell glob for one path component, matched like fnmatch(3) with `FNM_PERIOD`.
///
/// Supports `*`, `?`, bracket expressions (`[abc]`, `[a-z]`, `[!x]`, `[^x]`) and `\` escapes.
/// Used by ``InMemoryFileSystem``; the real file system uses glob(3) itself.
package struct GlobPattern: Sendable, Hashable {
    private let pattern: [UInt8]

    /// Creates a pattern for one path component (it must not contain `/`).
    package init(_ pattern: some StringProtocol) { self.pattern = Array(pattern.utf8) }

    /// `true` when `name` matches. A leading `.` in `name` is only matched by a literal `.`.
    package func matches(_ name: some StringProtocol) -> Bool {
        let name = Array(name.utf8)
        if name.first == UInt8(ascii: "."), pattern.first != UInt8(ascii: ".") { return false }
        return Self.match(pattern[...], name[...])
    }

    /// Iterative matcher with single-star backtracking: linear in practice, never exponential.
    private static func match(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var n = name.startIndex
        var starP: Int? = nil
        var starN = 0
        while n < name.endIndex {
            if p < pattern.endIndex {
                let c = pattern[p]
                if c == UInt8(ascii: "*") {
                    starP = p
                    starN = n
                    p += 1
                    continue
                }
                if c == UInt8(ascii: "?") {
                    p += 1
                    n += 1
                    continue
                }
                if c == UInt8(ascii: "["), let result = bracket(pattern, p, name[n]) {
                    if result.matched {
                        p = result.next
                        n += 1
                        continue
                    }
                } else {
                    var literal = c
                    var next = p + 1
                    if c == UInt8(ascii: "\\"), next < pattern.endIndex {
                        literal = pattern[next]
                        next += 1
                    }
                    if literal == name[n] {
                        p = next
                        n += 1
                        continue
                    }
                }
            }
            guard let star = starP else { return false }
            p = star + 1
            starN += 1
            n = starN
        }
        while p < pattern.endIndex && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }

    /// Matches a bracket expression starting at `start`; `nil` when it is not closed (then `[` is
    /// literal).
    private static func bracket(
        _ pattern: ArraySlice<UInt8>,
        _ start: Int,
        _ byte: UInt8
    ) -> (matched: Bool, next: Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.endIndex && (pattern[i] == UInt8(ascii: "!") || pattern[i] == UInt8(ascii: "^")) {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < pattern.endIndex {
            var low = pattern[i]
            if low == UInt8(ascii: "]") && !first { return (matched != negate, i + 1) }
            first = false
            if low == UInt8(ascii: "\\") && i + 1 < pattern.endIndex {
                i += 1
                low = pattern[i]
            }
            var high = low
            if i + 2 < pattern.endIndex && pattern[i + 1] == UInt8(ascii: "-") && pattern[i + 2] != UInt8(ascii: "]") {
                high = pattern[i + 2]
                i += 2
            }
            if low <= byte && byte <= high { matched = true }
            i += 1
        }
        return nil
    }
}
