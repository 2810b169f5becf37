/// Parsing and printing of the spec's scalar value forms (durations, sizes) and the checks that
/// keep spec text from changing the meaning of a generated config file.
public enum SpecValues {
    /// Parses `500ms`, `30s`, `5m`, `1h`, `1d`, or a bare number of seconds.
    public static func parseDuration(_ text: String) -> Duration? {
        let text = text.trimming(" ")
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, milliseconds) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            // "5m" must not be read as "5" + "m" when it is "5ms": ms is tried first.
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), digits.count <= 9, let value = Int64(digits)
            else { continue }
            return .milliseconds(value * milliseconds)
        }
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit), text.count <= 9, let seconds = Int64(text) else {
            return nil
        }
        return .seconds(seconds)
    }

    /// The whole milliseconds of `duration`.
    public static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// The shortest exact form: `1h`, `5m`, `30s` or `1500ms`.
    public static func format(_ duration: Duration) -> String {
        let ms = milliseconds(duration)
        if ms % 3_600_000 == 0, ms >= 3_600_000 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0, ms >= 60_000 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }

    /// Whole seconds, rounded up (for configs that only take seconds), at least 1.
    public static func wholeSeconds(_ duration: Duration) -> Int64 { max(1, (milliseconds(duration) + 999) / 1000) }

    /// Parses `512`, `16k`, `10m`, `1g` (powers of 1024; `kb`, `mb`, `gb` and upper case accepted).
    public static func parseByteSize(_ text: String) -> Int? {
        var text = Substring(text.trimming(" ").lowercased())
        if text.hasSuffix("b"), text.count > 1, !text.dropLast().last!.isASCIIDigit { text = text.dropLast() }
        var multiplier = 1
        switch text.last {
        case "k": multiplier = 1 << 10
        case "m": multiplier = 1 << 20
        case "g": multiplier = 1 << 30
        default: break
        }
        if multiplier != 1 { text = text.dropLast() }
        guard !text.isEmpty, text.count <= 12, text.allSatisfy(\.isASCIIDigit), let value = Int(text) else {
            return nil
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }

    /// `1g`, `10m`, `16k` when exact, else the number of bytes.
    public static func formatBytes(_ bytes: Int) -> String {
        if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30)g" }
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20)m" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10)k" }
        return "\(bytes)"
    }

    /// Why `path` cannot be pasted into a config file, or `nil` when it can: an absolute path of
    /// letters, digits and `. _ - + @ /` only, without `..` segments.
    public static func problem(withPath path: String) -> String? {
        guard path.hasPrefix("/") else { return "must be an absolute path" }
        guard path.count <= 4096 else { return "is too long" }
        if let bad = path.first(where: { !($0.isASCIILetterOrDigit || "._-+@/".contains($0)) }) {
            return "contains '\(bad.printable)'; paths may use letters, digits and . _ - + @ / only"
        }
        if path.split(separator: "/").contains("..") { return "must not contain '..'" }
        return nil
    }

    /// Why `path` is not a URL path prefix for a `location`, or `nil`: starts with `/`, uses
    /// letters, digits and `. _ - ~ /` only.
    public static func problem(withURLPath path: String) -> String? {
        guard path.hasPrefix("/") else { return "must start with '/'" }
        guard path.count <= 1024 else { return "is too long" }
        if let bad = path.first(where: { !($0.isASCIILetterOrDigit || "._-~/".contains($0)) }) {
            return "contains '\(bad.printable)'; URL paths here may use letters, digits and . _ - ~ / only"
        }
        if path.split(separator: "/").contains("..") { return "must not contain '..'" }
        return nil
    }

    /// Why `name` is not a server name (`example.com`, `*.example.com`, `localhost`, `_`, an IP
    /// address), or `nil`.
    public static func problem(withServerName name: String) -> String? {
        if name == "_" { return nil }
        var host = Substring(name)
        if host.hasPrefix("*.") { host = host.dropFirst(2) }
        guard !host.isEmpty, host.count <= 253 else { return "is not a host name" }
        if let bad = host.first(where: { !($0.isASCIILetterOrDigit || $0 == "." || $0 == "-" || $0 == ":") }) {
            return "contains '\(bad.printable)'; host names use letters, digits, '.' and '-'"
        }
        if host.hasPrefix(".") || host.hasPrefix("-") || host.contains("..") { return "is not a host name" }
        return nil
    }

    /// Why `name` is not a plain identifier of `pattern`'s kind (lower-case letter first, then
    /// lower-case letters, digits, `-` and `_`, at most `maxLength`), or `nil`.
    public static func problem(withIdentifier name: String, maxLength: Int = 32) -> String? {
        guard let first = name.first, first.isASCIILowercase || first == "_" else {
            return "must start with a lower-case letter"
        }
        guard name.count <= maxLength else { return "is longer than \(maxLength) characters" }
        if let bad = name.first(where: { !($0.isASCIILowercase || $0.isASCIIDigit || $0 == "-" || $0 == "_") }) {
            return "contains '\(bad.printable)'; use lower-case letters, digits, '-' and '_'"
        }
        return nil
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILowercase: Bool { isASCII && isLowercase }
    var isASCIILetterOrDigit: Bool { isASCII && (isLetter || isNumber) }
    /// The character, or its escaped form when it is invisible (`\n`, `\t`, `U+0000`).
    var printable: String {
        switch self {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case " ": return "space"
        default:
            if let scalar = unicodeScalars.first, scalar.value < 0x20 || scalar.value == 0x7F {
                return "U+\(String(scalar.value, radix: 16, uppercase: true))"
            }
            return String(self)
        }
    }
}

extension String {
    func trimming(_ set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
