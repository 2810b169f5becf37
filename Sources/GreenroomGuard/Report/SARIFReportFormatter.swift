import GreenroomConfigParsing
import GreenroomCore

/// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), the format
/// GitHub code scanning and other tools import. Rules come from ``RuleCatalog``; `info` maps to
/// SARIF's `note`.
package struct SARIFReportFormatter: Sendable {
    /// Creates the formatter.
    package init() {}

    /// The report as a SARIF log, ending in a newline.
    package func format(_ report: Report) -> String {
        let used = Set(report.findings.map(\.rule))
        let rules = RuleCatalog.all.filter { used.contains($0.id) }
        let ruleObjects = rules.map { rule in
            JSONWriter.object([
                ("id", JSONWriter.string(rule.id.description)),
                ("name", JSONWriter.string(rule.title)),
                ("shortDescription", JSONWriter.object([("text", JSONWriter.string(rule.title))])),
                ("fullDescription", JSONWriter.object([("text", JSONWriter.string(rule.rationale))])),
                ("help", JSONWriter.object([("text", JSONWriter.string("Bad:\n\(rule.bad)\n\nGood:\n\(rule.good)"))])),
                ("defaultConfiguration", JSONWriter.object([("level", JSONWriter.string(level(rule.severity)))])),
            ])
        }
        let results = report.findings.map { finding in
            var pairs: [(String, String)] = [
                ("ruleId", JSONWriter.string(finding.rule.description)),
                ("level", JSONWriter.string(level(finding.severity))),
                (
                    "message",
                    JSONWriter.object([("text", JSONWriter.string("\(finding.message). Fix: \(finding.fix)"))])
                ),
            ]
            if let index = rules.firstIndex(where: { $0.id == finding.rule }) {
                pairs.append(("ruleIndex", String(index)))
            }
            if let location = finding.location {
                let physical = JSONWriter.object([
                    ("artifactLocation", JSONWriter.object([("uri", JSONWriter.string(uri(location.file)))])),
                    (
                        "region",
                        JSONWriter.object([
                            ("startLine", String(location.line)), ("startColumn", String(location.column)),
                        ])
                    ),
                ])
                pairs.append(("locations", JSONWriter.array([JSONWriter.object([("physicalLocation", physical)])])))
            }
            return JSONWriter.object(pairs)
        }
        let driver = JSONWriter.object([
            ("name", JSONWriter.string("greenroom")),
            ("rules", JSONWriter.array(ruleObjects)),
        ])
        let run = JSONWriter.object([
            ("tool", JSONWriter.object([("driver", driver)])),
            ("results", JSONWriter.array(results)),
        ])
        return JSONWriter.object([
            ("$schema", JSONWriter.string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", JSONWriter.string("2.1.0")),
            ("runs", JSONWriter.array([run])),
        ]) + "\n"
    }

    private func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// A file path as a URI reference: absolute paths become `file://` URIs, spaces and other
    /// reserved bytes percent-encoded.
    private func uri(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let safe =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "/-._~".utf8.contains(byte)
            if safe {
                out.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return path.hasPrefix("/") ? "file://" + out : out
    }
}
