import Foundation
import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// The nginx rule corpus, `Corpus/nginx-rules/*.conf`: each file says what it must produce.
///
/// The first line names the app it is checked against, `# app: infer` (no spec: the apps come
/// from the file) or an ``AppVariant`` (`standard`, `behindBalancer`...). Every line that must
/// produce a finding ends in `# expect GR###` (several ids separated by spaces); the findings
/// must be exactly those rules on exactly those lines. A `good-` file has no markers: it is the
/// clean look-alike of a `bad-` one.
@Suite struct NginxRuleCorpusTests {
    static let directory = Corpus.directory + "/nginx-rules"

    static let files: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".conf") }
        .sorted()

    /// What one corpus file says about itself.
    struct Expectation {
        var app: String
        /// `GR###@line`.
        var findings: Set<String>
    }

    static func expectation(_ file: String) throws -> Expectation {
        let text = try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let header = try #require(
            lines.first.flatMap { $0.firstRange(of: "# app: ").map { lines[0][$0.upperBound...] } }
        )
        var findings = Set<String>()
        for (index, line) in lines.enumerated() {
            guard let marker = line.firstRange(of: "# expect ") else { continue }
            for id in line[marker.upperBound...].split(separator: " ") { findings.insert("\(id)@\(index + 1)") }
        }
        return Expectation(app: String(header).trimmingCharacters(in: .whitespaces), findings: findings)
    }

    /// The rule ids the corpus exercises.
    static var coveredRules: Set<String> {
        Set(
            files.flatMap { file in
                ((try? expectation(file))?.findings ?? []).map { String($0.prefix(5)) }
            }
        )
    }

    @Test(arguments: files)
    func findingsAreExactlyTheMarkedLines(_ file: String) throws {
        let expected = try Self.expectation(file)
        let path = "\(Self.directory)/\(file)"
        let report: Report
        if expected.app == "infer" {
            report = try ProxyConfigCheck.nginx(path, app: nil, inferringApp: true)
        } else {
            let variant = try #require(AppVariant(rawValue: expected.app), "unknown app \(expected.app)")
            report = try ProxyConfigCheck.nginx(path, app: variant.expectation)
        }
        let found = Set(report.findings.map { "\($0.rule)@\($0.location?.line ?? 0)" })
        #expect(found == expected.findings, "\(report.render(.human))")
        for finding in report.findings {
            #expect(finding.location?.file == path)
            #expect(!finding.message.isEmpty && !finding.fix.isEmpty)
        }
    }

    /// At least 80 cases, and half of them clean look-alikes.
    @Test func theCorpusIsLargeAndHalfClean() throws {
        #expect(Self.files.count >= 80)
        let clean = try Self.files.filter { try Self.expectation($0).findings.isEmpty }
        #expect(clean.count * 2 >= Self.files.count)
        for file in Self.files {
            #expect(file.hasPrefix("good-") == (try Self.expectation(file).findings.isEmpty), "\(file)")
        }
    }
}
