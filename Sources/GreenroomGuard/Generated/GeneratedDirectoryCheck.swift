import GreenroomConfigParsing
import GreenroomCore
import GreenroomDeploy

/// `check --generated DIR`: the files `greenroom generate` wrote, compared with what the spec
/// renders now (GR150 drift, GR151 missing, GR152 stale), and the paths the proxy and Kubernetes
/// rules should read.
///
/// `DIR` is what `generate all --out DIR` wrote (one subdirectory per target: `nginx/`,
/// `systemd/`, `kubernetes/`, ...) or what `generate TARGET --out DIR` wrote (the files
/// themselves; the targets are those whose files are there).
package struct GeneratedDirectoryCheck {
    /// What the check found and which files the other rules should read.
    package struct Outcome {
        /// GR150–GR152.
        package var findings: [Finding] = []
        /// Every file compared.
        package var files: [String] = []
        /// The nginx files on disk, for the nginx rules.
        package var nginx: [String] = []
        /// The Apache httpd files on disk, for the Apache rules.
        package var apache: [String] = []
        /// The HAProxy files on disk, for the HAProxy rules.
        package var haproxy: [String] = []
        /// The Kubernetes manifest directory, for the Kubernetes rules.
        package var kubernetes: [String] = []
    }

    /// The largest generated file read (the largest real one is a few KiB).
    static let sizeLimit = 4 << 20

    let directory: String
    let generator: Generator
    let fileSystem: LocalFileSystem

    package init(directory: String, generator: Generator, fileSystem: LocalFileSystem = LocalFileSystem()) {
        self.directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.generator = generator
        self.fileSystem = fileSystem
    }

    package func run() throws(CheckFailure) -> Outcome {
        guard fileSystem.kind(ofPath: directory) == .directory else {
            throw CheckFailure("--generated '\(directory)' is not a directory (give what `generate --out` wrote)")
        }
        var outcome = Outcome()
        let subdirectories = GenerateTarget.allCases.filter {
            fileSystem.kind(ofPath: "\(directory)/\($0.rawValue)") == .directory
        }
        if subdirectories.isEmpty {
            try compareFlat(into: &outcome)
            return outcome
        }
        // `generate all`: the spec's targets, and any other target's directory is left over.
        for target in subdirectories where !generator.allTargets.contains(target) {
            let base = "\(directory)/\(target.rawValue)"
            outcome.findings.append(
                Rule.generatedStale.finding(
                    at: SourceLocation(file: base, line: 1, column: 1),
                    "\(base)/ holds \(target) files, but `generate all` renders none for this spec "
                        + "(it renders \(generator.allTargets.map(\.rawValue).joined(separator: " and ")))",
                    fix: "remove \(base)/ (and disable what was installed from it), or change the spec back"
                )
            )
        }
        for target in generator.allTargets {
            try compare(target, in: "\(directory)/\(target.rawValue)", stale: true, into: &outcome)
        }
        return outcome
    }

    /// `generate TARGET --out DIR`: the spec's targets whose files are in `DIR`, else any other
    /// target's (an nginx site and an Apache vhost share a name), else the spec's own (missing).
    private func compareFlat(into outcome: inout Outcome) throws(CheckFailure) {
        func isPresent(_ target: GenerateTarget) -> Bool {
            guard let files = try? generator.files(for: target) else { return false }
            return files.contains { fileSystem.kind(ofPath: "\(directory)/\($0.path)") != nil }
        }
        let own = generator.allTargets.filter(isPresent)
        let others = GenerateTarget.allCases.filter { !generator.allTargets.contains($0) }.filter(isPresent)
        let targets = !own.isEmpty ? own : !others.isEmpty ? others : generator.allTargets
        for target in targets {
            try compare(target, in: directory, stale: false, into: &outcome)
        }
    }

    private func compare(
        _ target: GenerateTarget,
        in base: String,
        stale: Bool,
        into outcome: inout Outcome
    ) throws(CheckFailure) {
        let rendered: [GeneratedFile]
        do {
            rendered = try generator.files(for: target)
        } catch let error as SpecError {
            // A target the spec cannot render (any more): everything in its directory is stale.
            outcome.findings.append(
                Rule.generatedStale.finding(
                    at: SourceLocation(file: base, line: 1, column: 1),
                    "\(base)/ holds \(target) files, but the spec renders none: \(error.message)",
                    fix: "remove \(base)/ (and disable what was installed from it), or change the spec back"
                )
            )
            return
        } catch {
            throw CheckFailure("\(target): \(error)")
        }
        var expected = Set<String>()
        for file in rendered {
            let path = "\(base)/\(file.path)"
            expected.insert(path)
            guard fileSystem.kind(ofPath: path) != nil else {
                outcome.findings.append(
                    Rule.generatedMissing.finding(
                        at: SourceLocation(file: base, line: 1, column: 1),
                        "\(path) is missing: the spec renders it (\(file.summary))",
                        fix: regenerate(target, stale: stale)
                    )
                )
                continue
            }
            let onDisk: String
            do {
                onDisk = String(decoding: try fileSystem.contents(ofFile: path, limit: Self.sizeLimit), as: UTF8.self)
            } catch {
                throw CheckFailure("--generated: \(error.message)")
            }
            outcome.files.append(path)
            if let drift = Self.firstDifference(onDisk, file.contents) {
                outcome.findings.append(
                    Rule.generatedDrift.finding(
                        at: SourceLocation(file: path, line: drift.line, column: 1),
                        "differs from what the spec renders now: line \(drift.line) is "
                            + "\(Self.shown(drift.onDisk)) here, \(Self.shown(drift.rendered)) rendered",
                        fix: regenerate(target, stale: stale) + " (edit the spec, not the output)"
                    )
                )
            }
            switch target {
            case .nginx: outcome.nginx.append(path)
            case .apache: outcome.apache.append(path)
            case .haproxy: outcome.haproxy.append(path)
            // The manifests are checked together: the directory once, when a file of it was read.
            case .kubernetes where outcome.kubernetes.last != base: outcome.kubernetes.append(base)
            case .systemd, .kubernetes: break
            }
        }
        guard stale else { return }
        for path in leftovers(in: base, expected: expected) {
            outcome.findings.append(
                Rule.generatedStale.finding(
                    at: SourceLocation(file: path, line: 1, column: 1),
                    "the spec no longer renders \(path): it is left over from an earlier spec",
                    fix: "delete it, and disable or remove what was installed from it"
                )
            )
        }
    }

    private func regenerate(_ target: GenerateTarget, stale: Bool) -> String {
        let config = generator.spec.file
        return stale
            ? "greenroom generate all --config \(config) --out \(directory) --force, then install the files again"
            : "greenroom generate \(target) --config \(config) --out \(directory) --force, then install it again"
    }

    /// Regular files in `base` and one level below (the per-host units) that the spec does not render.
    private func leftovers(in base: String, expected: Set<String>) -> [String] {
        let escaped = ConfigPath.escapeGlob(base)
        let found = (try? fileSystem.glob("\(escaped)/*")) ?? []
        let nested = (try? fileSystem.glob("\(escaped)/*/*")) ?? []
        return (found + nested).filter { fileSystem.kind(ofPath: $0) == .file && !expected.contains($0) }.sorted()
    }

    /// The first line (1-based) where `onDisk` and `rendered` differ, with both lines: the first
    /// one that is not a comment on both sides, or else the first comment that differs.
    static func firstDifference(
        _ onDisk: String,
        _ rendered: String
    ) -> (line: Int, onDisk: String?, rendered: String?)? {
        guard onDisk != rendered else { return nil }
        let a = onDisk.split(separator: "\n", omittingEmptySubsequences: false)
        let b = rendered.split(separator: "\n", omittingEmptySubsequences: false)
        func isComment(_ line: Substring) -> Bool { line.drop { $0 == " " || $0 == "\t" }.hasPrefix("#") }
        var firstComment: Int?
        var index = 0
        while index < a.count, index < b.count {
            if a[index] != b[index] {
                guard isComment(a[index]), isComment(b[index]) else { break }
                if firstComment == nil { firstComment = index }
            }
            index += 1
        }
        if index == a.count, index == b.count, let comment = firstComment { index = comment }
        return (index + 1, index < a.count ? String(a[index]) : nil, index < b.count ? String(b[index]) : nil)
    }

    /// A line for a message: quoted, trimmed, at most 100 characters, control characters escaped.
    static func shown(_ line: String?) -> String {
        guard let line else { return "the end of the file" }
        var text = ""
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        for scalar in trimmed.unicodeScalars.prefix(100) {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                text += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return "'\(text)\(trimmed.unicodeScalars.count > 100 ? "..." : "")'"
    }
}
