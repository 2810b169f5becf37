#if Hummingbird
import Foundation
import GreenroomHummingbird
import Hummingbird
import Testing

/// The README's Hummingbird snippets compile: the diff's two sides are the bodies of
/// ``stockApp()`` and ``greenroomApp()`` below (compiled with this target, never run), and the
/// example's code block is the example's source.
@Suite struct ReadmeSnippetTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    // readme: stock begin
    func stockApp() async throws {
        let router = Router()
        router.get("/") { _, _ in "Hello, World!" }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 8000))
        )
        try await app.runService()
    }
    // readme: stock end

    // readme: greenroom begin
    func greenroomApp() async throws {
        let router = Router(context: BasicGreenroomRequestContext.self)
        router.get("/") { _, _ in "Hello, World!" }
        router.get("/whoami") { _, context in ClientAddressResponse(context.client) }
        let app = try Application(
            router: router,
            greenroom: GreenroomOptions(trustedProxies: .loopback),
            configuration: .init(address: .hostname("127.0.0.1", port: 8000))
        )
        try await app.runService()
    }
    // readme: greenroom end

    /// The fenced block after `<!-- readme-snippet: name ...`, its lines.
    static func block(after name: String) throws -> [String] {
        let readme = try String(contentsOfFile: root + "/README.md", encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let marker = try #require(lines.firstIndex { $0.hasPrefix("<!-- readme-snippet: \(name) ") })
        let open = marker + 1
        try #require(lines[open].hasPrefix("```"))
        let close = try #require(lines[(open + 1)...].firstIndex { $0.hasPrefix("```") })
        return Array(lines[(open + 1)..<close])
    }

    /// The body of a function marked `// readme: name begin/end` in this file, dedented, with no
    /// blank line.
    static func functionBody(_ name: String) throws -> [String] {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let lines = source.split(separator: "\n").map(String.init)
        let begin = try #require(lines.firstIndex(of: "    // readme: \(name) begin"))
        let end = try #require(lines.firstIndex(of: "    // readme: \(name) end"))
        // Skip `func ...() {` and its closing brace.
        return lines[(begin + 2)..<(end - 1)].map { String($0.dropFirst(8)) }
    }

    @Test func theDiffsTwoSidesAreTheCompiledApps() throws {
        let diff = try Self.block(after: "hummingbird-diff")
        func side(_ mark: Character) -> [String] {
            diff.filter { $0.first == " " || $0.first == mark }.map { String($0.dropFirst()) }
                .filter { !$0.isEmpty && !$0.hasPrefix("import ") }
        }
        #expect(side("-") == (try Self.functionBody("stock")))
        #expect(side("+") == (try Self.functionBody("greenroom")))
        #expect(diff.contains("+import GreenroomHummingbird"))
    }

    @Test func theExampleBlockIsTheExamplesCode() throws {
        let block = try Self.block(after: "Sources/greenroom-hummingbird-example/HummingbirdExample.swift")
        let source = try String(
            contentsOfFile: Self.root + "/Sources/greenroom-hummingbird-example/HummingbirdExample.swift",
            encoding: .utf8
        )
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex(of: "#if Hummingbird")) + 1
        let end = try #require(lines.firstIndex(of: "#else"))
        #expect(block == Array(lines[start..<end]))
    }
}
#endif
