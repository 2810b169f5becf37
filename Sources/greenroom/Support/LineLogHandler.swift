import GreenroomCore
import Logging

/// The `greenroom` executable's log handler: one line per event on standard error, as text
/// (`notice listening greenroom.bind=127.0.0.1:8000`) or JSON, metadata keys sorted. The access
/// log does not come through here: ``AccessLineWriter`` formats it from the server's records.
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
    /// Each line starts with ``LogTimestamp/now()`` (text) or has it as `time` (JSON).
    let timestamps: Bool
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, format: Format, output: LogOutput = .standardError, timestamps: Bool = false) {
        self.label = label
        self.format = format
        self.output = output
        self.timestamps = timestamps
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

    func text(level: Logger.Level, message: String, fields: Logger.Metadata) -> String {
        var line = timestamps ? "\(LogTimestamp.now()) \(level) \(message)" : "\(level) \(message)"
        for key in fields.keys.sorted() { line += " \(key)=\(Self.printable("\(fields[key]!)"))" }
        return line
    }

    func json(level: Logger.Level, message: String, fields: Logger.Metadata) -> String {
        var line = ""
        line.reserveCapacity(256)
        line += timestamps ? "{\"time\":\"\(LogTimestamp.now())\",\"level\":\"" : "{\"level\":\""
        line += level.rawValue
        line += "\",\"message\":"
        Self.appendJSONString(message, to: &line)
        for key in fields.keys.sorted() {
            line += ","
            Self.appendJSONString(key, to: &line)
            line += ":"
            Self.appendJSONString(Self.plain(fields[key]), to: &line)
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
