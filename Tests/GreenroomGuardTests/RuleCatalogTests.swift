import Foundation
import GreenroomCore
import GreenroomGuard
import Testing

@Suite struct RuleCatalogTests {
    @Test func idsAreUniqueWellFormedAndInTheirScopesRange() throws {
        let ids = RuleCatalog.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for rule in RuleCatalog.all {
            let number = rule.id.number
            let ranges = RuleCatalog.reservedRanges.filter { $0.scope == rule.scope }.map(\.ids)
            #expect(ranges.contains { $0.contains(number) }, "\(rule.id) outside \(ranges)")
        }
        #expect(RuleCatalog.rule(.nginxTargetMismatch)?.title == "proxy_pass does not reach the app")
    }

    /// The closed id type and the catalog name the same rules: no id without documentation, no
    /// documented rule without an id.
    @Test func everyRuleIDHasExactlyOneCatalogEntry() {
        #expect(RuleCatalog.all.map(\.id) == RuleID.allCases)
    }

    @Test func everyRuleIsDocumentedWithABadAndAGoodExample() {
        for rule in RuleCatalog.all {
            #expect(!rule.title.isEmpty && !rule.rationale.isEmpty, "\(rule.id)")
            #expect(!rule.bad.isEmpty && !rule.good.isEmpty && rule.bad != rule.good, "\(rule.id)")
        }
        let markdown = RuleCatalog.markdown()
        for rule in RuleCatalog.all { #expect(markdown.contains("### \(rule.id): \(rule.title)")) }
    }

    /// Every nginx rule is exercised by the corpus (so no rule is documentation only).
    @Test func everyNginxAndApacheRuleHasACorpusRow() {
        let covered = Set(NginxCorpusTests.rows.flatMap(\.rules) + ApacheCorpusTests.rows.flatMap(\.rules))
            .union(NginxRuleCorpusTests.coveredRules)
        for rule in RuleCatalog.all where rule.scope == .nginx || rule.scope == .apache {
            #expect(covered.contains(rule.id.description), "\(rule.id) has no corpus row")
        }
    }

    /// Every Kubernetes rule is produced by a Kubernetes corpus row.
    @Test func everyKubernetesRuleHasACorpusRow() {
        let covered = Set(KubernetesCorpusTests.rows.flatMap(\.findings).map { String($0.prefix(5)) })
        for rule in RuleCatalog.all where rule.scope == .kubernetes {
            #expect(covered.contains(rule.id.description), "\(rule.id) has no corpus row")
        }
    }

    /// Every spec rule has a fixture row, every live rule a test that produces it.
    @Test func everySpecAndLiveRuleIsExercised() throws {
        let spec = Set(SpecCheckerTests.rows.flatMap(\.expected).map { String($0.prefix(5)) })
        for rule in RuleCatalog.all where rule.scope == .spec {
            #expect(spec.contains(rule.id.description), "\(rule.id) has no SpecCheckerTests row")
        }
        let sources = try ["LiveCheckerTests.swift", "ForgeryProbeTests.swift"].map {
            try String(contentsOfFile: "\(Corpus.packageRoot)/Tests/GreenroomGuardTests/\($0)", encoding: .utf8)
        }.joined()
        for rule in RuleCatalog.all where rule.scope == .live {
            #expect(sources.contains("\"\(rule.id)\""), "\(rule.id) is asserted by no live test")
        }
    }

    /// The README's rule reference is `RuleCatalog.markdown()`, so the documentation cannot drift.
    /// `GREENROOM_UPDATE_README=1 swift test --filter RuleCatalogTests` rewrites it.
    @Test func theReadmeSectionIsTheCatalog() throws {
        let path = "\(Corpus.packageRoot)/README.md"
        let readme = try String(contentsOfFile: path, encoding: .utf8)
        let start = "<!-- rules:start -->\n"
        let end = "<!-- rules:end -->"
        let from = try #require(readme.range(of: start), "README.md has no \(start)")
        let to = try #require(
            readme.range(of: end, range: from.upperBound..<readme.endIndex),
            "README.md has no \(end)"
        )
        let section = String(readme[from.upperBound..<to.lowerBound])
        let expected = RuleCatalog.markdown()
        if section != expected, ProcessInfo.processInfo.environment["GREENROOM_UPDATE_README"] == "1" {
            let updated = readme.replacingCharacters(in: from.upperBound..<to.lowerBound, with: expected)
            try updated.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        #expect(
            section == expected,
            "README.md's rule section differs from RuleCatalog.markdown(); rerun with GREENROOM_UPDATE_README=1"
        )
        for rule in RuleCatalog.all { #expect(section.contains("### \(rule.id): \(rule.title)")) }
        #expect(RuleCatalog.all.count >= 60)
    }
}
