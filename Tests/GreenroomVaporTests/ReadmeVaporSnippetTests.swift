#if Vapor
import Foundation
import Testing

/// The README's Vapor snippets are the example's code, which the build compiles: the full
/// snippet is `Sources/greenroom-vapor-example/App.swift`, and every line the diff adds is one of
/// its lines.
@Suite struct ReadmeVaporSnippetTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let marker = "<!-- Sources/greenroom-vapor-example/App.swift -->"

    static func read(_ path: String) throws -> String {
        try String(contentsOfFile: "\(root)/\(path)", encoding: .utf8)
    }

    /// App.swift without its trait guard.
    static func appCode() throws -> [String] {
        try read("Sources/greenroom-vapor-example/App.swift").split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init).filter { $0 != "#if Vapor" && $0 != "#endif" }
    }

    /// The lines of the first fenced block after `start` in the README's Vapor section.
    static func block(after start: String) throws -> [String] {
        let readme = try read("README.md")
        let section = try #require(readme.range(of: "### Vapor\n"), "README has no Vapor section")
        let anchor = try #require(readme.range(of: start, range: section.upperBound..<readme.endIndex), "no \(start)")
        var lines = readme[anchor.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init
        )
        lines = Array(lines.drop { !$0.hasPrefix("```") }.dropFirst())
        return Array(lines.prefix { !$0.hasPrefix("```") })
    }

    @Test func theFullSnippetIsTheExamplesCode() throws {
        let snippet = try Self.block(after: Self.marker)
        let code = try Self.appCode()
        #expect(snippet + [""] == code)
    }

    @Test func everyLineTheDiffAddsIsTheExamplesCode() throws {
        let diff = try Self.block(after: "A stock Vapor app needs")
        let added = diff.filter { $0.hasPrefix("+") }.map { String($0.dropFirst()) }
        #expect(added.count >= 4)
        let code = Set(try Self.appCode())
        for line in added { #expect(code.contains(line), "README diff adds a line App.swift does not have: \(line)") }
    }
}
#endif
