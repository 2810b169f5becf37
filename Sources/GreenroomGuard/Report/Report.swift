import GreenroomCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The result of a check: the findings, sorted, and what they add up to.
public struct Report: Sendable, Hashable {
    /// The findings, sorted by file, line, column and rule.
    public let findings: [Finding]
    /// The configuration files that were read, for the summary.
    public let files: [String]

    /// Creates a report; findings are sorted and exact duplicates removed.
    ///
    /// The order depends only on the findings, not on the order they are given in: by place and
    /// rule (``Finding/<(_:_:)``), then findings tied there by severity, fix and related places.
    public init(findings: [Finding], files: [String] = []) {
        self.findings = Self.sortedWithoutDuplicates(findings)
        self.files = files
    }

    /// `findings` sorted, each distinct finding once: only runs of ties are compared, so a 10 MB
    /// nginx configuration's hundred thousand findings are never hashed.
    static func sortedWithoutDuplicates(_ findings: [Finding]) -> [Finding] {
        var result: [Finding] = []
        result.reserveCapacity(findings.count)
        Finding.forEachRunOfTies(in: findings.sorted()) { run in
            if run.count == 1 {
                result.append(run[run.startIndex])
            } else {
                var seen = Set<Finding>()
                result += run.filter { seen.insert($0).inserted }.sorted(by: Finding.breaksTie)
            }
        }
        return result
    }

    /// The number of findings at `severity`.
    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }

    /// `true` when some finding is an error.
    public var hasErrors: Bool { findings.contains { $0.severity == .error } }

    /// The exit status of `greenroom check`: 0 clean (warnings allowed), 1 errors (GreenroomCore's
    /// article "Deployment policy and rule ids").
    /// (2, a usage or configuration error, is the caller's.)
    public var exitCode: Int32 { hasErrors ? 1 : 0 }

    /// The output formats.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// Grouped by file, for people.
        case human
        /// The stable JSON schema.
        case json
        /// SARIF 2.1.0, for code-scanning tools.
        case sarif
    }

    /// The report as SARIF for code scanning: `toolVersion` as `tool.driver.version`, and file
    /// paths relative to `baseDirectory` (an absolute directory, usually the working directory)
    /// under the `%SRCROOT%` base id.
    public func renderSARIF(toolVersion: String, baseDirectory: String?) -> String {
        SARIFReportFormatter(toolVersion: toolVersion, baseDirectory: baseDirectory).format(self)
    }

    /// The report in `format`; `color` applies to ``Format/human`` only.
    public func render(_ format: Format, color: Bool = false) -> String {
        switch format {
        case .human: HumanReportFormatter(color: color).format(self)
        case .json: JSONReportFormatter().format(self)
        case .sarif: SARIFReportFormatter().format(self)
        }
    }

    /// Whether human output to `descriptor` should be coloured: only to a terminal, and never
    /// when `NO_COLOR` is set to a non-empty value (https://no-color.org) or `TERM` is `dumb`.
    public static func shouldColor(descriptor: Int32 = 1, environment: [String: String]? = nil) -> Bool {
        let noColor = environment.map { $0["NO_COLOR"] } ?? getenv("NO_COLOR").map { String(cString: $0) }
        if let noColor, !noColor.isEmpty { return false }
        let term = environment.map { $0["TERM"] } ?? getenv("TERM").map { String(cString: $0) }
        if term == "dumb" { return false }
        return isatty(descriptor) == 1
    }
}
