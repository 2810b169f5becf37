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
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
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
        let first = Self.accessKeys.filter { fields[$0] != nil }
        return first + fields.keys.filter { !Self.accessKeys.contains($0) }.sorted()
    }

    func text(level: Logger.Level, message: String, fields: Logger.Metadata) -> String {
        if message == "request", let client = fields["greenroom.client"] {
            // 127.0.0.1 "GET /whoami" 200 132 0.21ms via=x-forwarded-for peer=127.0.0.1
            let method = fields["http.method"].map { "\($0)" } ?? "-"
            let path = fields["http.path"].map { "\($0)" } ?? "-"
            let micros = fields["greenroom.duration_us"].flatMap { Int("\($0)") } ?? 0
            let millis = "\(micros / 1000).\(String(micros % 1000 + 1000).dropFirst())ms"
            return "\(client) \"\(method) \(Self.printable(path))\" \(fields["http.status"] ?? "-") "
                + "\(fields["http.bytes"] ?? "-") \(millis) via=\(fields["greenroom.via"] ?? "-") "
                + "peer=\(fields["greenroom.peer"] ?? "-")"
        }
        var line = "\(level) \(message)"
        for key in orderedKeys(fields) { line += " \(key)=\(Self.printable("\(fields[key]!)"))" }
        return line
    }

    func json(level: Logger.Level, message: String, fields: Logger.Metadata) -> String {
        var line = "{\"level\":\(JSON.string(level.rawValue)),\"message\":\(JSON.string(message))"
        for key in orderedKeys(fields) {
            let value = "\(fields[key]!)"
            let numeric = key == "http.status" || key == "http.bytes" || key == "greenroom.duration_us"
            line += ",\(JSON.string(key)):" + (numeric && Int(value) != nil ? value : JSON.string(value))
        }
        return line + "}"
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
