import GreenroomCore
import Logging

/// The `greenroom` executable's log handler: one line per event on standard error, as text
/// (`notice listening greenroom.bind=127.0.0.1:8000`) or JSON, with access-log events
/// (`request`) in a compact, fixed field order.
struct LineLogHandler: LogHandler {
    /// The line format.
    enum Format: String, CaseIterable, Sendable {
        /// Human-readable text.
        case text
        /// One JSON object per line.
        case json
    }

    let label: String
    let format: Format
    let output: LogOutput
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, format: Format, output: LogOutput = .standardError) {
        self.label = label
        self.format = format
        self.output = output
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: Logger.Metadata
        if metadata.isEmpty && metadataProvider == nil {
            fields = event.metadata ?? [:]
        } else {
            fields = metadata
            if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
            if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        }
        let message = event.message.description
        switch format {
        case .text: output.append(text(level: event.level, message: message, fields: fields))
        case .json: output.append(json(level: event.level, message: message, fields: fields))
        }
    }

    /// Access-log keys first, in a fixed order; the rest sorted.
    static let accessKeys = [
        "greenroom.client", "greenroom.via", "http.method", "http.path", "http.status", "http.bytes",
        "greenroom.duration_us", "greenroom.peer",
    ]

    private func orderedKeys(_ fields: Logger.Metadata) -> [String] {
        if fields.count == Self.accessKeys.count && Self.accessKeys.allSatisfy({ fields[$0] != nil }) {
            return Self.accessKeys
        }
        let first = Self.accessKeys.filter { fields[$0] != nil }
        return first + fields.keys.filter { !Self.accessKeys.contains($0) }.sorted()
    }

    func text(level: Logger.Level, message: String, fields: Logger.Metadata) -> String {
        if message == "request", let client = fields["greenroom.client"] {
            // 127.0.0.1 "GET /whoami" 200 132 0.210ms via=x-forwarded-for peer=127.0.0.1
            var line = ""
            line.reserveCapacity(120)
            line += Self.plain(client)
            line += " \""
            line += Self.plain(fields["http.method"])
            line += " "
            line += Self.printable(Self.plain(fields["http.path"]))
            line += "\" "
            line += Self.plain(fields["http.status"])
            line += " "
            line += Self.plain(fields["http.bytes"])
            line += " "
            let micros = Int(Self.plain(fields["greenroom.duration_us"])) ?? 0
            line += String(micros / 1000)
            line += "."
            line += String(String(micros % 1000 + 1000).dropFirst())
            line += "ms via="
            line += Self.plain(fields["greenroom.via"])
            line += " peer="
            line += Self.plain(fields["greenroom.peer"])
            return line
        }
        var line = "\(level) \(message)"
        for key in orderedKeys(fields) { line += " \(key)=\(Self.printable("\(fields[key]!)"))" }
        return line
    }

    func json(level: Logger.Level, message: String, fields: Logger.Metadata) -> String {
        var line = ""
        line.reserveCapacity(256)
        line += "{\"level\":\""
        line += level.rawValue
        line += "\",\"message\":"
        Self.appendJSONString(message, to: &line)
        for key in orderedKeys(fields) {
            let value = Self.plain(fields[key])
            line += ","
            Self.appendJSONString(key, to: &line)
            line += ":"
            let numeric = key == "http.status" || key == "http.bytes" || key == "greenroom.duration_us"
            if numeric && !value.isEmpty && value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                line += value
            } else {
                Self.appendJSONString(value, to: &line)
            }
        }
        line += "}"
        return line
    }

    /// Appends a JSON string literal, escaping only when the text needs it.
    static func appendJSONString(_ text: String, to line: inout String) {
        if text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 >= 0x7F }) {
            line += JSON.string(text)
        } else {
            line += "\""
            line += text
            line += "\""
        }
    }

    /// A metadata value's text without re-formatting strings; `-` when absent.
    static func plain(_ value: Logger.MetadataValue?) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case nil: "-"
        case let other?: "\(other)"
        }
    }

    /// Escapes control characters so one event is always one line.
    static func printable(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
