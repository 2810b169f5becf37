import Foundation
import Testing

/// `greenroom --version` and `greenroom version`: the version constant, plus the git commit when
/// built from a checkout; `embed-version` finds that commit from git's files, or none without them.
@Suite struct VersionTests {
    @Test func versionFlagAndSubcommandPrintTheSameLine() async throws {
        let flag = try await GreenroomBinary.run(["--version"])
        let subcommand = try await GreenroomBinary.run(["version"])
        #expect(flag.status == 0, "\(flag)")
        #expect(subcommand.status == 0, "\(subcommand)")
        let text = flag.stdout.trimmingCharacters(in: .newlines)
        #expect(text.wholeMatch(of: #/\d+\.\d+\.\d+( \(commit [0-9a-f]{12}\))?/#) != nil, "\(flag)")
        #expect(subcommand.stdout == flag.stdout)
        #expect(text.hasPrefix("0.9.0"))
    }

    @Test func aCheckoutBuildNamesACommitOfThisRepository() async throws {
        guard FileManager.default.fileExists(atPath: packageRoot + "/.git") else { return }
        let git = try TestEnvironment.requireProgram("git", package: "git")
        let text = try await GreenroomBinary.run(["--version"]).stdout.trimmingCharacters(in: .newlines)
        let commit = try #require(text.firstMatch(of: #/commit ([0-9a-f]{12})/#)?.output.1, "\(text)")
        let known = try await ProcessRunner.run(
            git,
            ["-C", packageRoot, "rev-parse", "--verify", "--quiet", "\(commit)^{commit}"],
            timeout: .seconds(10)
        )
        #expect(known.status == 0, "\(known)")
    }

    /// The build tool itself: no git directory, a branch in `refs/`, a packed branch, a detached
    /// HEAD, and a HEAD it cannot read.
    @Test func embedVersionReadsGitsFiles() async throws {
        let tool = (try GreenroomBinary.path() as NSString).deletingLastPathComponent + "/embed-version"
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            Issue.record("embed-version not built next to greenroom (\(tool))")
            return
        }
        let directory = try TemporaryDirectory("greenroom-version")
        let git = directory.file("git")
        try FileManager.default.createDirectory(atPath: git + "/refs/heads", withIntermediateDirectories: true)
        let loose = String(repeating: "a1", count: 20)
        let packed = String(repeating: "b2", count: 20)
        let detached = String(repeating: "c3", count: 20)
        try loose.write(toFile: git + "/refs/heads/main", atomically: true, encoding: .utf8)
        try "# pack-refs with: peeled\n\(packed) refs/heads/packed\n".write(
            toFile: git + "/packed-refs",
            atomically: true,
            encoding: .utf8
        )
        func embedded(head: String?, arguments: [String]) async throws -> String {
            if let head { try head.write(toFile: git + "/HEAD", atomically: true, encoding: .utf8) }
            let output = directory.file("BuildCommit.swift")
            let result = try await ProcessRunner.run(tool, [output] + arguments, timeout: .seconds(10))
            #expect(result.status == 0, "\(result)")
            return try String(contentsOfFile: output, encoding: .utf8)
        }
        #expect(try await embedded(head: nil, arguments: []).contains("let buildCommit: String? = nil"))
        #expect(try await embedded(head: "ref: refs/heads/main\n", arguments: [git, git]).contains("\"\(loose)\""))
        #expect(try await embedded(head: "ref: refs/heads/packed\n", arguments: [git, git]).contains("\"\(packed)\""))
        #expect(try await embedded(head: detached + "\n", arguments: [git, git]).contains("\"\(detached)\""))
        #expect(try await embedded(head: "garbage\n", arguments: [git, git]).contains("= nil"))
    }
}
