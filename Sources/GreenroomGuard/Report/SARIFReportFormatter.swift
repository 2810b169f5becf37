import GreenroomConfigParsing
import GreenroomCore

/// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), the format
/// GitHub code scanning and other tools import. Rules come from ``RuleCatalog``; `info` maps to
/// SARIF's `note`.
///
/// Code scanning needs more than the findings: the tool's version, paths relative to a
/// `uriBaseId` (`%SRCROOT%`, the directory `check` ran in) so results match files in the
/// repository, `partialFingerprints` that survive lines moving, and a logical location for
/// findings about the running system, which have no file.
package struct SARIFReportFormatter: Sendable {
    /// The base id relative paths are given against.
    package static let sourceRoot = "%SRCROOT%"

    /// The version written as `tool.driver.version` (none when `nil`).
    package var toolVersion: String?
    /// The directory relative paths start from, absolute; `nil` writes every path as given.
    package var baseDirectory: String?

    /// Creates the formatter.
    package init(toolVersion: String? = nil, baseDirectory: String? = nil) {
        self.toolVersion = toolVersion
        self.baseDirectory = baseDirectory.map { $0.hasSuffix("/") && $0 != "/" ? String($0.dropLast()) : $0 }
    }

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
            let path = finding.location.map { relativePath($0.file) }
            pairs.append(
                (
                    "partialFingerprints",
                    JSONWriter.object([("greenroomFinding/v1", JSONWriter.string(fingerprint(finding, path: path)))])
                )
            )
            if let location = finding.location, let path {
                let physical = physicalLocation(location, path: path)
                pairs.append(("locations", JSONWriter.array([JSONWriter.object([("physicalLocation", physical)])])))
                if !finding.related.isEmpty {
                    // The other places the finding involves (the proxy_pass lines a header applies to).
                    let related = finding.related.enumerated().map { index, place in
                        JSONWriter.object([
                            ("id", String(index + 1)),
                            ("physicalLocation", physicalLocation(place, path: relativePath(place.file))),
                        ])
                    }
                    pairs.append(("relatedLocations", JSONWriter.array(related)))
                }
                if let replacement = finding.replacement {
                    pairs.append(("fixes", JSONWriter.array([fix(replacement, description: finding.fix)])))
                }
            } else {
                let scope = RuleCatalog.all.first { $0.id == finding.rule }?.scope.rawValue ?? "greenroom"
                let logical = JSONWriter.object([
                    ("name", JSONWriter.string(scope)),
                    ("fullyQualifiedName", JSONWriter.string("greenroom/\(scope)/\(finding.rule)")),
                    ("kind", JSONWriter.string("resource")),
                ])
                pairs.append(
                    (
                        "locations",
                        JSONWriter.array([JSONWriter.object([("logicalLocations", JSONWriter.array([logical]))])])
                    )
                )
            }
            return JSONWriter.object(pairs)
        }
        var driverPairs = [("name", JSONWriter.string("greenroom"))]
        if let toolVersion { driverPairs.append(("version", JSONWriter.string(toolVersion))) }
        driverPairs.append(("rules", JSONWriter.array(ruleObjects)))
        var runPairs = [
            ("tool", JSONWriter.object([("driver", JSONWriter.object(driverPairs))])),
            ("results", JSONWriter.array(results)),
        ]
        if let baseDirectory {
            let base = uri(baseDirectory == "/" ? "/" : baseDirectory + "/")
            runPairs.append(
                (
                    "originalUriBaseIds",
                    JSONWriter.object([(Self.sourceRoot, JSONWriter.object([("uri", JSONWriter.string(base))]))])
                )
            )
        }
        let run = JSONWriter.object(runPairs)
        return JSONWriter.object([
            ("$schema", JSONWriter.string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", JSONWriter.string("2.1.0")),
            ("runs", JSONWriter.array([run])),
        ]) + "\n"
    }

    /// A SARIF `physicalLocation`: the file (relative to `%SRCROOT%` when it can be) and the line and column.
    private func physicalLocation(_ location: SourceLocation, path: (text: String, isRelative: Bool)) -> String {
        JSONWriter.object([
            ("artifactLocation", artifactLocation(path)),
            (
                "region",
                JSONWriter.object([("startLine", String(location.line)), ("startColumn", String(location.column))])
            ),
        ])
    }

    /// A SARIF `artifactLocation`: the file's URI, relative to `%SRCROOT%` when it can be.
    private func artifactLocation(_ path: (text: String, isRelative: Bool)) -> String {
        var artifact = [("uri", JSONWriter.string(uri(path.text)))]
        if path.isRelative { artifact.append(("uriBaseId", JSONWriter.string(Self.sourceRoot))) }
        return JSONWriter.object(artifact)
    }

    /// A SARIF `fix`: the finding's fix text as its description, and the one replacement in its file
    /// (`deletedRegion` up to the exclusive end column, `insertedContent`).
    private func fix(_ replacement: Finding.Replacement, description: String) -> String {
        let region = JSONWriter.object([
            ("startLine", String(replacement.start.line)),
            ("startColumn", String(replacement.start.column)),
            ("endLine", String(replacement.end.line)),
            ("endColumn", String(replacement.end.column)),
        ])
        let change = JSONWriter.object([
            ("artifactLocation", artifactLocation(relativePath(replacement.start.file))),
            (
                "replacements",
                JSONWriter.array([
                    JSONWriter.object([
                        ("deletedRegion", region),
                        ("insertedContent", JSONWriter.object([("text", JSONWriter.string(replacement.text))])),
                    ])
                ])
            ),
        ])
        return JSONWriter.object([
            ("description", JSONWriter.object([("text", JSONWriter.string(description))])),
            ("artifactChanges", JSONWriter.array([change])),
        ])
    }

    /// `path` relative to ``baseDirectory`` when it is inside it (or already relative).
    private func relativePath(_ path: String) -> (text: String, isRelative: Bool) {
        guard path.hasPrefix("/") else { return (path, baseDirectory != nil) }
        guard let baseDirectory else { return (path, false) }
        let prefix = baseDirectory == "/" ? "/" : baseDirectory + "/"
        guard path.hasPrefix(prefix), path.count > prefix.count else { return (path, false) }
        return (String(path.dropFirst(prefix.count)), true)
    }

    /// A stable hash of what identifies a finding apart from its line: rule, file and message
    /// (FNV-1a, 64 bits, hex), so code scanning follows a finding when lines above it move.
    private func fingerprint(_ finding: Finding, path: (text: String, isRelative: Bool)?) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(finding.rule)\u{0}\(path?.text ?? "")\u{0}\(finding.message)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
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
