import GreenroomMustache
import Testing

/// What Greenroom changed in its copy of swift-mustache (Sources/GreenroomMustache/README.md):
/// the content-type registry on a Mutex and `capitalized` without Foundation. The rest is
/// upstream's, and the reference outputs (`ReferenceOutputTests`) hold every built-in template to
/// the bytes it rendered before the copy.
@Suite struct MustacheCopyTests {
    @Test func capitalizedUppercasesEachWordsFirstCharacterOnly() throws {
        let template = try MustacheTemplate(string: "{{capitalized(name)}}|{{capitalized(empty)}}")
        #expect(template.render(["name": "hello wORLD\tété", "empty": ""]) == "Hello World\tÉté|")
    }

    @Test func contentTypesStillChooseTheEscaping() throws {
        let html = try MustacheTemplate(string: "{{value}}")
        let text = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}{{value}}")
        #expect(html.render(["value": "<a&b>"]) == "&lt;a&amp;b&gt;")
        #expect(text.render(["value": "<a&b>"]) == "<a&b>")
    }

    @Test func aRegisteredContentTypeIsUsedFromAnyThread() async throws {
        struct Upper: MustacheContentType {
            func escapeText(_ text: String) -> String { text.uppercased() }
        }
        MustacheContentTypes.register(Upper(), named: "GREENROOM-TEST-UPPER")
        let template = try MustacheTemplate(string: "{{% CONTENT_TYPE: GREENROOM-TEST-UPPER}}{{value}}")
        let rendered = await withTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { template.render(["value": "quiet"]) } }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(rendered == Array(repeating: "QUIET", count: 8))
    }
}
