import Foundation
import PackagePlugin

/// Embeds the git commit the package is built from into the target as `buildCommit`, for
/// `greenroom --version`.
///
/// The command's inputs are git's `HEAD` and its reflog (`logs/HEAD`, appended to on every
/// commit, checkout and reset), so moving HEAD re-runs the tool on the next build. Without
/// `.git` (a release tarball) there are no inputs and `buildCommit` is `nil`. Worktrees (a `.git`
/// file naming the real git directory) work too.
@main
struct EmbedVersionPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildCommit.swift")
        var arguments = [output.path]
        var inputs: [URL] = []
        if let (gitDirectory, commonDirectory) = Self.gitDirectories(of: context.package.directoryURL) {
            arguments += [gitDirectory.path, commonDirectory.path]
            inputs = [
                gitDirectory.appending(path: "HEAD"), gitDirectory.appending(path: "logs/HEAD"),
                commonDirectory.appending(path: "packed-refs"),
            ].filter { FileManager.default.fileExists(atPath: $0.path) }
        }
        return [
            .buildCommand(
                displayName: "Embedding the git commit into \(target.name)",
                executable: try context.tool(named: "embed-version").url,
                arguments: arguments,
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }

    /// The git directory and the common directory (they differ in a worktree), or `nil`.
    static func gitDirectories(of package: URL) -> (URL, URL)? {
        let dotGit = package.appending(path: ".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return (dotGit, dotGit) }
        guard let text = try? String(contentsOf: dotGit, encoding: .utf8),
            let line = text.split(separator: "\n").first, line.hasPrefix("gitdir: ")
        else { return nil }
        let path = String(line.dropFirst("gitdir: ".count)).trimmingCharacters(in: .whitespaces)
        let gitDirectory = path.hasPrefix("/") ? URL(filePath: path) : package.appending(path: path)
        var commonDirectory = gitDirectory
        if let common = try? String(contentsOf: gitDirectory.appending(path: "commondir"), encoding: .utf8) {
            let trimmed = common.trimmingCharacters(in: .whitespacesAndNewlines)
            commonDirectory =
                trimmed.hasPrefix("/")
                ? URL(filePath: trimmed) : gitDirectory.appending(path: trimmed).standardizedFileURL
        }
        return (gitDirectory, commonDirectory)
    }
}
