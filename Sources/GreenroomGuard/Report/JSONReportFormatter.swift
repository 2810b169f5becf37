import Dispatch
import GreenroomConfigParsing
import GreenroomCore
import Synchronization

/// `--json`: one object, keys in a fixed order, one finding per array element.
///
/// ```json
/// {"findings":[{"rule":"GR022","severity":"error","file":"/etc/nginx/nginx.conf","line":12,
///   "column":5,"message":"...","fix":"...","related":[{"file":"...","line":20,"column":9}]}],
///  "summary":{"errors":1,"warnings":0,"info":0,"total":1,"files":["/etc/nginx/nginx.conf"]}}
/// ```
/// `file`, `line` and `column` are `null` for findings outside files (live rules); `related`
/// lists the other places involved and is left out when there are none. A fix that is an exact
/// edit adds `"replacement":{"line":12,"column":5,"endLine":12,"endColumn":22,"text":"..."}`
/// (the same file; `endColumn` is just after the replaced text).
package struct JSONReportFormatter: Sendable {
    /// Creates the formatter.
    package init() {}

    /// The report as JSON text, ending in a newline.
    package func format(_ report: Report) -> String {
        var out = "{\"findings\":["
        out += Self.inParallelChunks(report.findings).joined(separator: ",")
        out += "],\"summary\":{\"errors\":\(report.count(.error)),\"warnings\":\(report.count(.warning))"
        out += ",\"info\":\(report.count(.info)),\"total\":\(report.findings.count),\"files\":"
        out += JSONWriter.array(report.files.map(JSONWriter.string))
        return out + "}}\n"
    }

    /// The findings' JSON in order, rendered in chunks on every core (a 10 MB configuration
    /// can have a hundred thousand findings).
    static func inParallelChunks(_ findings: [Finding]) -> [String] {
        let chunkCount = findings.count < 1_000 ? 1 : 16
        let size = (findings.count + chunkCount - 1) / max(chunkCount, 1)
        let chunks = Mutex<[String]>(Array(repeating: "", count: chunkCount))
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let range = min(chunk * size, findings.count)..<min((chunk + 1) * size, findings.count)
            var text = ""
            text.reserveCapacity(range.count * 256)
            for index in range {
                if index != range.lowerBound { text += "," }
                append(findings[index], to: &text)
            }
            chunks.withLock { $0[chunk] = text }
        }
        return chunks.withLock { $0 }.filter { !$0.isEmpty }
    }

    /// One finding as a JSON object, keys in the documented order.
    static func append(_ finding: Finding, to out: inout String) {
        out += "{\"rule\":\"\(finding.rule)\",\"severity\":\"\(finding.severity.rawValue)\",\"file\":"
        out += JSONWriter.optional(finding.location?.file)
        out += ",\"line\":" + JSONWriter.optional(finding.location?.line)
        out += ",\"column\":" + JSONWriter.optional(finding.location?.column)
        out += ",\"message\":" + JSONWriter.string(finding.message)
        out += ",\"fix\":" + JSONWriter.string(finding.fix)
        if !finding.related.isEmpty {
            out += ",\"related\":["
            for (index, place) in finding.related.enumerated() {
                if index > 0 { out += "," }
                out += "{\"file\":" + JSONWriter.string(place.file)
                out += ",\"line\":\(place.line),\"column\":\(place.column)}"
            }
            out += "]"
        }
        if let edit = finding.replacement {
            out += ",\"replacement\":{\"line\":\(edit.start.line),\"column\":\(edit.start.column)"
            out += ",\"endLine\":\(edit.end.line),\"endColumn\":\(edit.end.column),\"text\":"
            out += JSONWriter.string(edit.text) + "}"
        }
        out += "}"
    }
}
