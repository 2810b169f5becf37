import GreenroomCore

/// Minimal JSON text building with exact key order (so the schema reads the same every run).
enum JSONWriter {
    /// A JSON string literal, escaped per RFC 8259 (GreenroomCore's escaping, shared with `/whoami`).
    static func string(_ text: String) -> String { JSON.string(text) }

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
