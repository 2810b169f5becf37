import Foundation
import PackagePlugin

/// Embeds `deploy/templates/*.mustache` and `deploy/greenroom.example.yml` into the target as
/// generated Swift (`EmbeddedResources`), so the `greenroom` binary is self-contained.
///
/// Every template is declared as an input file, so editing one re-runs the tool on the next
/// build. SwiftPM caches the command list itself, so after adding or removing a template file
/// touch `Package.swift` once to re-plan (a test compares the embedded set with the directory).
@main
struct EmbedTemplatesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let deploy = context.package.directoryURL.appending(path: "deploy")
        let templatesDirectory = deploy.appending(path: "templates")
        let example = deploy.appending(path: "greenroom.example.yml")
        let names = try FileManager.default.contentsOfDirectory(atPath: templatesDirectory.path)
            .filter { $0.hasSuffix(".mustache") }
            .sorted()
        let templates = names.map { templatesDirectory.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedResources.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(templates.count) deployment templates into \(target.name)",
                executable: try context.tool(named: "embed-templates").url,
                arguments: [output.path, example.path] + templates.map(\.path),
                inputFiles: [example] + templates,
                outputFiles: [output]
            )
        ]
    }
}
