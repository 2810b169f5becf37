import GreenroomGuard
import Testing

@Suite struct RuleCatalogTests {
    @Test func idsAreUniqueWellFormedAndInTheirScopesRange() throws {
        let ids = RuleCatalog.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for rule in RuleCatalog.all {
            let number = try #require(RuleCatalog.number(of: rule.id), "\(rule.id)")
            let range = try #require(RuleCatalog.reservedRanges.first { $0.scope == rule.scope }?.ids)
            #expect(range.contains(number), "\(rule.id) outside \(range)")
        }
        #expect(RuleCatalog.rule("GR020")?.title == "proxy_pass does not reach the app")
        #expect(RuleCatalog.rule("GR999") == nil)
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
        for rule in RuleCatalog.all where rule.scope == .nginx || rule.scope == .apache {
            #expect(covered.contains(rule.id), "\(rule.id) has no corpus row")
        }
    }
}
