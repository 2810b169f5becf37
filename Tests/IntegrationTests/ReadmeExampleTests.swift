import Foundation
import Testing

/// The README's `$ greenroom explain ...` and `$ greenroom serve ...` examples, run verbatim, so
/// the README cannot drift from what the program does.
///
/// An example is a `$ greenroom` line (with `\` continuation lines) in a fenced block; the lines
/// after it, up to the next `$` line or the fence, are its output. `explain` must print exactly
/// that. `serve` must start, and print every shown line other than the start-up line; it gets
/// `--port 0` appended (the last `--port` wins) so it runs beside other tests.
@Suite struct ReadmeExampleTests {
    struct Example: CustomTestStringConvertible, Sendable {
        let line: Int
        let arguments: [String]
        let output: [String]

        var testDescription: String { "README.md:\(line): greenroom \(arguments.joined(separator: " "))" }
    }

    static let examples: [Example] = (try? ReadmeExamples.parse(path: "\(packageRoot)/README.md")) ?? []

    @Test func theTrustModelExamplesAreFound() {
        #expect(Self.examples.filter { $0.arguments.first == "explain" }.count >= 2)
        #expect(Self.examples.contains { $0.arguments.first == "serve" && $0.arguments.contains("203.0.113.0/24") })
    }

    @Test(arguments: examples.filter { $0.arguments.first == "explain" })
    func explainPrintsWhatTheReadmeShows(_ example: Example) async throws {
        let result = try await GreenroomBinary.run(example.arguments)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.split(separator: "\n").map(String.init) == example.output, "\(result)")
    }

    @Test(arguments: examples.filter { $0.arguments.first == "serve" })
    func serveStartsAndPrintsWhatTheReadmeShows(_ example: Example) async throws {
        let logs = try TemporaryDirectory("greenroom-readme")
        let server = try await ServeProcess.start(
            Array(example.arguments.dropFirst()) + ["--port", "0"],
            readiness: .startupLine,
            logDirectory: logs
        )
        let output = server.output
        #expect(server.stop() == 0, "\(output)")
        for line in example.output where !line.hasPrefix("greenroom starting up on ") {
            #expect(output.contains(line), "README.md:\(example.line): missing '\(line)' in:\n\(output)")
        }
        #expect(output.contains("greenroom starting up on http://127.0.0.1:"), "\(output)")
    }
}

/// Finds the examples in the README's fenced blocks and splits their command lines like `sh`.
enum ReadmeExamples {
    static func parse(path: String) throws -> [ReadmeExampleTests.Example] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n",
            omittingEmptySubsequences: false
        )
        .map { String($0) }
        var examples: [ReadmeExampleTests.Example] = []
        var index = 0
        var fence: String?
        while index < lines.count {
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                fence = fence == nil ? trimmed : nil
                index += 1
                continue
            }
            guard fence != nil, trimmed.hasPrefix("$ greenroom ") else {
                index += 1
                continue
            }
            let start = index + 1
            var command = String(trimmed.dropFirst("$ greenroom ".count))
            while command.hasSuffix("\\"), index + 1 < lines.count {
                index += 1
                command = String(command.dropLast()) + " " + lines[index].trimmingCharacters(in: .whitespaces)
            }
            index += 1
            var output: [String] = []
            while index < lines.count {
                let text = lines[index].trimmingCharacters(in: .whitespaces)
                if text.hasPrefix("```") || text.hasPrefix("$ ") { break }
                output.append(text)
                index += 1
            }
            let arguments = words(command)
            if ["explain", "serve"].contains(arguments.first) {
                examples.append(.init(line: start, arguments: arguments, output: output))
            }
        }
        return examples
    }

    /// `sh` word splitting for what README examples use: blanks, `'...'`, `"..."`, `\x`.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\\" {
                escaped = true
                inWord = true
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
