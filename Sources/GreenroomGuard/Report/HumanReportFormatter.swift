import GreenroomConfigParsing
import GreenroomCore

/// The default output: findings grouped by file, one line each with its fix beneath, and a
/// summary line. ANSI colour only when asked (see ``Report/shouldColor(descriptor:environment:)``).
package struct HumanReportFormatter: Sendable {
    /// Whether to use ANSI colour.
    package var color: Bool

    /// Creates the formatter.
    package init(color: Bool) { self.color = color }

    /// The report as text, ending in a newline.
    package func format(_ report: Report) -> String {
        var out = ""
        var groups: [(file: String?, findings: [Finding])] = []
        for finding in report.findings {
            let file = finding.location?.file
            if let last = groups.last, last.file == file {
                groups[groups.count - 1].findings.append(finding)
            } else {
                groups.append((file, [finding]))
            }
        }
        for group in groups {
            out += paint(group.file ?? "(system)", "1") + "\n"
            for finding in group.findings {
                let place = finding.location.map { "\($0.line):\($0.column)" } ?? "-"
                let severity = finding.severity.rawValue.padding(to: 7)
                out +=
                    "  \(place.padding(to: 8)) \(paint(severity, code(finding.severity))) \(paint(finding.rule.description, "1")) "
                out += finding.message + "\n"
                out +=
                    "  " + String(repeating: " ", count: 8 + 1 + 7 + 1 + 5 + 1) + paint("fix: " + finding.fix, "2")
                    + "\n"
                for place in finding.related {
                    out +=
                        "  " + String(repeating: " ", count: 8 + 1 + 7 + 1 + 5 + 1)
                        + paint("see also: " + place.reference(from: finding.location ?? place), "2") + "\n"
                }
            }
            out += "\n"
        }
        if report.findings.isEmpty {
            out += "No findings"
        } else {
            out += [
                plural(report.count(.error), "error"), plural(report.count(.warning), "warning"),
                "\(report.count(.info)) info",
            ].joined(separator: ", ")
        }
        if !report.files.isEmpty { out += " in \(plural(report.files.count, "file"))" }
        return out + ".\n"
    }

    private func code(_ severity: Severity) -> String {
        switch severity {
        case .error: "31"
        case .warning: "33"
        case .info: "36"
        }
    }

    private func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    private func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
}

extension String {
    /// The string padded with spaces to at least `width` characters.
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
