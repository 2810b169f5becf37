import GreenroomConfigParsing
import GreenroomCore

/// `--json`: one object, keys in a fixed order, one finding per array element.
///
/// ```json
/// {"findings":[{"rule":"GR022","severity":"error","file":"/etc/nginx/nginx.conf","line":12,
///   "column":5,"message":"...","fix":"...","related":[{"file":"...","line":20,"column":9}]}],
///  "summary":{"errors":1,"warnings":0,"info":0,"total":1,"files":["/etc/nginx/nginx.conf"]}}
/// ```
/// `file`, `line` and `column` are `null` for findings outside files (live rules); `related`
/// lists the other places involved and is left out when there are none.
package struct JSONReportFormatter: Sendable {
    /// Creates the formatter.
    package init() {}

    /// The report as JSON text, ending in a newline.
    package func format(_ report: Report) -> String {
        let findings = report.findings.map { finding in
            var pairs = [
                ("rule", JSONWriter.string(finding.rule.description)),
                ("severity", JSONWriter.string(finding.severity.rawValue)),
                ("file", JSONWriter.optional(finding.location?.file)),
                ("line", JSONWriter.optional(finding.location?.line)),
                ("column", JSONWriter.optional(finding.location?.column)),
                ("message", JSONWriter.string(finding.message)),
                ("fix", JSONWriter.string(finding.fix)),
            ]
            if !finding.related.isEmpty {
                let places = finding.related.map { place in
                    JSONWriter.object([
                        ("file", JSONWriter.string(place.file)),
                        ("line", String(place.line)),
                        ("column", String(place.column)),
                    ])
                }
                pairs.append(("related", JSONWriter.array(places)))
            }
            return JSONWriter.object(pairs)
        }
        let summary = JSONWriter.object([
            ("errors", String(report.count(.error))),
            ("warnings", String(report.count(.warning))),
            ("info", String(report.count(.info))),
            ("total", String(report.findings.count)),
            ("files", JSONWriter.array(report.files.map(JSONWriter.string))),
        ])
        return JSONWriter.object([("findings", JSONWriter.array(findings)), ("summary", summary)]) + "\n"
    }
}
