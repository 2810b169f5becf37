import Foundation
import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// Fixes that are exact edits (`Finding.replacement`, SARIF `fixes`): applied to the file, they
/// make their finding go away, and they are offered only where the fix replaces the directive the
/// finding points at.
@Suite struct NginxReplacementTests {
    static let site = """
        http {
            server_tokens on;
            keepalive_requests 50;
            server {
                listen 127.0.0.1:8080;
                ssl_ciphers ALL;
                location / {
                    proxy_pass http://127.0.0.1:8000;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header Host $http_host;
                }
            }
        }

        """

    static func check(_ text: String) throws -> [Finding] {
        try NginxTaintTests.check(text)
    }

    /// Applies every replacement to `text` (from the last to the first, so earlier places hold).
    static func applying(_ replacements: [Finding.Replacement], to text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
        for edit in replacements.sorted(by: { $0.start > $1.start }) {
            #expect(edit.start.line == edit.end.line)
            let index = edit.start.line - 1
            let line = lines[index]
            lines[index] =
                Array(line[..<(edit.start.column - 1)]) + Array(edit.text.utf8)
                + Array(line[(edit.end.column - 1)...])
        }
        return lines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
    }

    @Test func appliedReplacementsRemoveTheirFindings() throws {
        let before = try Self.check(Self.site)
        let edits = before.compactMap(\.replacement)
        let fixed = Set(before.filter { $0.replacement != nil }.map(\.rule))
        #expect(fixed.count >= 3, "\(before.map { "\($0.rule) \($0.fix) \($0.replacement != nil)" })")
        for finding in before {
            guard let edit = finding.replacement else { continue }
            #expect(edit.start == finding.location, "\(finding)")
            #expect(edit.text == finding.fix)
        }
        let repaired = Self.applying(edits, to: Self.site)
        let after = try Self.check(repaired)
        for rule in fixed {
            #expect(!after.contains { $0.rule == rule }, "\(rule) is still reported after its fix:\n\(repaired)")
        }
        // Only the edited directives changed; every other finding is still there.
        let untouched = before.filter { $0.replacement == nil }.map(\.rule)
        #expect(untouched.allSatisfy { rule in after.contains { $0.rule == rule } }, "\(after)")
    }

    /// A corpus file's findings, read from memory as `/corpus/<file>` (so edits can be applied).
    static func corpusFindings(_ file: String, text: String) throws -> [Finding] {
        let expected = try NginxRuleCorpusTests.expectation(file)
        let app = expected.app == "infer" ? nil : AppVariant(rawValue: expected.app)?.expectation
        return try ProxyConfigCheck.nginx(
            "/corpus/\(file)",
            app: app,
            inferringApp: app == nil,
            fileSystem: InMemoryFileSystem(texts: ["/corpus/\(file)": text])
        ).findings
    }

    /// Over the whole rule corpus: every edit offered, applied to its file, removes its finding
    /// at that line and brings no new error.
    @Test(arguments: NginxRuleCorpusTests.files)
    func everyCorpusEditRemovesItsFinding(_ file: String) throws {
        func check(_ text: String) throws -> [Finding] { try Self.corpusFindings(file, text: text) }
        let text = try String(contentsOfFile: "\(NginxRuleCorpusTests.directory)/\(file)", encoding: .utf8)
        let before = try check(text)
        let edited = before.filter { $0.replacement != nil }
        guard !edited.isEmpty else { return }
        let after = try check(Self.applying(edited.compactMap(\.replacement), to: text))
        for finding in edited {
            let line = finding.location?.line
            #expect(
                !after.contains { $0.rule == finding.rule && $0.location?.line == line },
                "\(file): \(finding.rule) at line \(line ?? 0) survives its edit '\(finding.fix)'"
            )
        }
        let newErrors = after.filter { finding in
            finding.severity == .error
                && !before.contains { $0.rule == finding.rule && $0.location == finding.location }
        }
        #expect(newErrors.isEmpty, "\(file): the edits brought \(newErrors)")
    }

    /// The corpus has edits to offer: at least 15 of its files (18 when this was written, for 8
    /// rules), so the test above is not vacuous.
    @Test func theCorpusOffersEditsForManyRules() throws {
        var files = 0
        var rules = Set<RuleID>()
        for file in NginxRuleCorpusTests.files {
            let text = try String(contentsOfFile: "\(NginxRuleCorpusTests.directory)/\(file)", encoding: .utf8)
            let edited = try Self.corpusFindings(file, text: text).filter { $0.replacement != nil }
            if !edited.isEmpty { files += 1 }
            rules.formUnion(edited.map(\.rule))
        }
        #expect(files >= 15 && rules.count >= 8, "\(files) files, rules \(rules.sorted())")
    }

    /// GR041's fix keeps the other values as written: `"a b"` is one pattern, not two.
    @Test func theValidReferersFixKeepsQuotes() throws {
        let findings = try Self.check("server { listen 80; location / { valid_referers none \"a b\" c; } }\n")
        let fix = try #require(findings.first { $0.rule == .nginxValidReferersNone }).fix
        #expect(fix == #"valid_referers "a b" c;"#)
    }

    @Test func theReplacedRegionIsExactlyTheDirective() throws {
        let findings = try Self.check(Self.site)
        let tokens = try #require(findings.first { $0.replacement?.text == "server_tokens off;" }?.replacement)
        #expect(tokens.start.line == 2 && tokens.start.column == 5)
        #expect(tokens.end.line == 2 && tokens.end.column == 5 + "server_tokens on;".utf8.count)
    }

    @Test(arguments: [
        // Prose, or an addition next to another directive: no edit.
        ("server { listen 80; location / { proxy_pass http://$host; } }\n", "proxy_pass"),
        ("server { listen 80; error_log off; }\n", "error_log"),
        // Not ASCII before the directive on its line: byte columns would not be the editor's.
        ("server { listen 80; location /café { server_tokens on; } }\n", "server_tokens"),
        ("server { listen 80; add_header X-Note \"é\"; server_tokens on; }\n", "server_tokens"),
        // A fix that reads as one directive but would lose what the line said.
        (
            "server { listen 443 ssl; add_header Strict-Transport-Security \"max-age=300; includeSubDomains; preload\" always; }\n",
            "add_header"
        ),
    ])
    func noEditWhereTheFixIsNotAReplacementOfThatDirective(_ text: String, _ name: String) throws {
        let findings = try Self.check(text)
        let onDirective = findings.filter { finding in
            guard let location = finding.location else { return false }
            let line = text.split(separator: "\n")[location.line - 1].utf8
            return String(decoding: line.dropFirst(location.column - 1), as: UTF8.self).hasPrefix(name)
        }
        #expect(!onDirective.isEmpty, "no finding on \(name) at all: \(findings)")
        #expect(onDirective.allSatisfy { $0.replacement == nil }, "\(onDirective)")
    }
}
