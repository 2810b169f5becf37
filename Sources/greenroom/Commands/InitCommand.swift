import ArgumentParser
import GreenroomDeploy

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `greenroom init`: writes a commented `greenroom.yml` to start from.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented greenroom.yml with safe defaults.",
        discussion: """
            The file describes the app, its proxy and its systemd unit; every key is explained in \
            it. It is valid as written: `greenroom generate all` works on it straight away.

            Examples:
              greenroom init
              greenroom init --config /etc/greenroom/greenroom.yml
            """
    )

    @Option(name: .long, help: ArgumentHelp("Where to write the spec.", valueName: "file"))
    var config: String = "greenroom.yml"

    @Flag(name: .long, help: "Overwrite an existing file.")
    var force = false

    func run() async throws {
        let text = DeploymentSpec.exampleText
        // Exit 2 like any usage error: the spec may hold the user's edits, so never replace it unasked.
        // attributesOfItem does not follow a final link: a dangling link planted there exists too.
        if (try? FileManager.default.attributesOfItem(atPath: config)) != nil, !force {
            throw InitCommand.fail("greenroom: \(config) already exists; use --force to overwrite it", exitCode: 2)
        }
        do {
            try OutputWriter.writeAtomically(Data(text.utf8), to: config)
        } catch {
            throw InitCommand.fail("greenroom: \(error)", exitCode: 1)
        }
        print("wrote \(config)")
        print("next: greenroom generate all --config \(config) --out deploy-out")
    }
}
