/// Minimal JSON text building with exact key order (so the schema reads the same every run).
enum JSONWriter {
    /// A JSON string literal, escaped per RFC 8259.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A string or `null`.
    static func optional(_ text: String?) -> String { text.map(string) ?? "null" }

    /// A number or `null`.
    static func optional(_ number: Int?) -> String { number.map(String.init) ?? "null" }

    /// `{"k":v,...}` from pre-rendered values, in the order given.
    static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\(string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// `[v,...]` from pre-rendered values.
    static func array(_ values: [String]) -> String { "[" + values.joined(separator: ",") + "]" }
}
