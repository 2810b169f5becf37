import GreenroomConfigParsing
import GreenroomGuard
import Testing

/// `GreenroomConfigParsing` imports nothing: Tests/Fuzz compiles its sources alone, and the guard
/// reads files only through `ConfigFileSystem`. A target without dependencies can still import
/// Foundation or Glibc, so this reads the sources.
@Suite struct ConfigParsingTargetTests {
    @Test func theParsersImportNoModule() throws {
        let files = LocalFileSystem()
        let sources = try files.glob("\(Corpus.packageRoot)/Sources/GreenroomConfigParsing/*.swift")
        #expect(sources.count >= 10, "found only \(sources) in Sources/GreenroomConfigParsing")
        for path in sources {
            let text = String(decoding: try files.contents(ofFile: path, limit: 1 << 20), as: UTF8.self)
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let words = line.split(separator: " ").filter { !$0.hasPrefix("@") }
                let keyword = words.first { !["public", "package", "internal", "private", "fileprivate"].contains($0) }
                #expect(keyword != "import", "\(path):\(index + 1): \(line)")
            }
        }
    }
}
