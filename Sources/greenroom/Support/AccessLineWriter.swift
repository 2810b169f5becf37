import GreenroomServer
import NIOHTTP1

/// `greenroom serve`'s access log: one line per request on standard error, formatted straight
/// from the server's ``AccessRecord`` (no swift-log metadata dictionary per request).
///
/// Text: `198.51.100.7 "GET /whoami" 200 132 0.210ms via=x-forwarded-for peer=127.0.0.1`.
/// JSON: `{"level":"info","message":"request","greenroom.client":"198.51.100.7",
/// "greenroom.via":"x-forwarded-for","http.method":"GET","http.path":"/whoami","http.status":200,
/// "http.bytes":132,"greenroom.duration_us":210,"greenroom.peer":"127.0.0.1"}`.
struct AccessLineWriter: AccessLogWriter {
    let format: LineLogHandler.Format
    let output: LogOutput
    /// Each line starts with ``LogTimestamp/now()`` (text) or has it as `time` (JSON).
    let timestamps: Bool

    init(format: LineLogHandler.Format, output: LogOutput = .standardError, timestamps: Bool = false) {
        self.format = format
        self.output = output
        self.timestamps = timestamps
    }

    func write(_ record: AccessRecord) {
        let time = timestamps ? LogTimestamp.now() : nil
        output.append(format == .json ? Self.json(record, time: time) : Self.text(record, time: time))
    }

    static func text(_ record: AccessRecord, time: String? = nil) -> String {
        var line = ""
        line.reserveCapacity(150)
        if let time {
            line += time
            line += " "
        }
        line += client(record)
        line += " \""
        line += record.method.rawValue
        line += " "
        line += LineLogHandler.printable(String(record.path))
        line += "\" "
        line += String(record.status.code)
        line += " "
        line += String(record.bytes)
        line += " "
        let micros = max(0, record.durationMicroseconds)
        line += String(micros / 1000)
        line += "."
        line += String(String(micros % 1000 + 1000).dropFirst())
        line += "ms via="
        line += record.client.via.rawValue
        line += " peer="
        line += peer(record)
        return line
    }

    static func json(_ record: AccessRecord, time: String? = nil) -> String {
        var line = ""
        line.reserveCapacity(290)
        line += "{"
        if let time {
            line += "\"time\":\""
            line += time
            line += "\","
        }
        line += "\"level\":\"info\",\"message\":\"request\",\"greenroom.client\":"
        LineLogHandler.appendJSONString(client(record), to: &line)
        line += ",\"greenroom.via\":\""
        line += record.client.via.rawValue
        line += "\",\"http.method\":"
        LineLogHandler.appendJSONString(record.method.rawValue, to: &line)
        line += ",\"http.path\":"
        LineLogHandler.appendJSONString(String(record.path), to: &line)
        line += ",\"http.status\":"
        line += String(record.status.code)
        line += ",\"http.bytes\":"
        line += String(record.bytes)
        line += ",\"greenroom.duration_us\":"
        line += String(record.durationMicroseconds)
        line += ",\"greenroom.peer\":"
        LineLogHandler.appendJSONString(peer(record), to: &line)
        line += "}"
        return line
    }

    private static func client(_ record: AccessRecord) -> String { record.client.address?.description ?? "unix" }
    private static func peer(_ record: AccessRecord) -> String { record.client.peer.address?.description ?? "unix" }
}
