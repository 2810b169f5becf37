import Foundation
import Testing
import Yams

@testable import GreenroomYAML

/// GreenroomYAML replaced Yams in the binary (Yams links ICU through Foundation). Both compose on
/// the same libyaml; this test holds them to the same trees, the same places and the same errors,
/// over every YAML file in the repository and a set of awkward texts. It also links both copies of
/// libyaml into one binary, which only works because GreenroomYAML's symbols are prefixed.
@Suite struct YAMLComposerAgreesWithYamsTests {
    static let awkward: [String] = [
        "", "# c\n", "---\n", "a: 1\n---\nb: 2\n", "- a\n- [b, {c: d}]\n- ? x\n  : y\n",
        "a: &x 1\nb: *x\n", "a: *missing\n", "a: 'it''s'\nb: \"\\t\\u263A\"\n", "a: |+\n  x\n\n", "a: >-\n  x\n  y\n",
        "%YAML 1.1\n---\na: 1\n", "!!map {a: !!str 1}\n", "a: [x\n", "a: b: c\n", "\ta: 1\n", "a: 1\na: 2\n",
        "{? [a]: b}\n", "a:\n  - b\n  -\n  - c\n", "é: ü\n", "a: \"\\x\"\n", "key: value # comment\n...\n",
        "- &a !!seq [x]\n- *a\n", "a: 'x\n",
    ]

    static var repositoryFiles: [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var files: [String] = []
        for directory in ["deploy", "Tests", ".ci", "docs"] {
            guard
                let walker = FileManager.default.enumerator(atPath: root.appendingPathComponent(directory).path)
            else { continue }
            while let path = walker.nextObject() as? String {
                guard path.hasSuffix(".yml") || path.hasSuffix(".yaml") else { continue }
                files.append(root.appendingPathComponent(directory).appendingPathComponent(path).path)
            }
        }
        return files.sorted()
    }

    @Test func theRepositoryHasYAMLFilesToCompare() {
        #expect(Self.repositoryFiles.count >= 30, "\(Self.repositoryFiles)")
    }

    @Test(arguments: awkward)
    func awkwardTexts(_ text: String) {
        compare(text, name: text.debugDescription)
    }

    @Test func everyRepositoryFile() throws {
        for path in Self.repositoryFiles {
            let data = try #require(FileManager.default.contents(atPath: path))
            compare(String(decoding: data, as: UTF8.self), name: path)
        }
    }

    private func compare(_ text: String, name: String) {
        let theirs: Result<[String], any Error> = Result {
            var out: [String] = []
            var documents = try Yams.compose_all(yaml: text, .basic)
            while let document = documents.next() { out.append(Self.render(document)) }
            if let error = documents.error { throw error }
            return out
        }
        let ours: Result<[String], YAMLError> = Result { () throws(YAMLError) in
            try YAMLComposer.documents(text).map(Self.render)
        }
        switch (theirs, ours) {
        case (.success(let a), .success(let b)):
            #expect(a == b, "\(name)")
        case (.failure(let a), .failure(let b)):
            #expect(
                Self.place(of: a) == [b.mark.line, b.mark.column] || Self.place(of: a) == nil,
                "\(name): \(a) / \(b)"
            )
        case (.success, .failure(let b)):
            Issue.record("\(name): only GreenroomYAML refused it: \(b)")
        case (.failure(let a), .success):
            Issue.record("\(name): only Yams refused it: \(a)")
        }
    }

    private static func place(of error: any Error) -> [Int]? {
        guard let error = error as? YamlError else { return nil }
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return [mark.line, mark.column]
        case .duplicatedKeysInMapping(_, let context): return [context.mark.line, context.mark.column]
        default: return nil
        }
    }

    static func render(_ node: Yams.Node) -> String {
        let mark = node.mark.map { "\($0.line):\($0.column)" } ?? "?"
        switch node {
        case .scalar(let scalar):
            let style: String =
                switch scalar.style {
                case .any, .plain: "plain"
                case .singleQuoted: "single"
                case .doubleQuoted: "double"
                case .literal: "literal"
                case .folded: "folded"
                }
            return "S\(mark)/\(style)\(scalar.string.debugDescription)"
        case .mapping(let mapping):
            return "M\(mark){" + mapping.map { "\(render($0.key)): \(render($0.value))" }.joined(separator: ", ") + "}"
        case .sequence(let sequence):
            return "Q\(mark)[" + sequence.map(render).joined(separator: ", ") + "]"
        case .alias:
            return "alias"
        }
    }

    static func render(_ node: YAMLNode) -> String {
        let mark = "\(node.mark.line):\(node.mark.column)"
        switch node {
        case .scalar(let scalar):
            let style: String =
                switch scalar.style {
                case .plain: "plain"
                case .singleQuoted: "single"
                case .doubleQuoted: "double"
                case .literal: "literal"
                case .folded: "folded"
                }
            return "S\(mark)/\(style)\(scalar.string.debugDescription)"
        case .mapping(let mapping):
            return "M\(mark){" + mapping.map { "\(render($0.key)): \(render($0.value))" }.joined(separator: ", ") + "}"
        case .sequence(let sequence):
            return "Q\(mark)[" + sequence.map(render).joined(separator: ", ") + "]"
        }
    }
}
