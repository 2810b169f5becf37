import ArgumentParser
import GreenroomDeploy

/// `greenroom generate`: renders proxy and systemd configuration from the deployment spec.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate nginx, Apache, HAProxy, systemd or Kubernetes configuration from greenroom.yml.",
        discussion: """
            Every file comes from the same spec as the app's own settings, so the proxy's upstream \
            is exactly where the app listens and the app trusts exactly the proxy.

            Without --out the files are printed. With --out they are written atomically; a file \
            that exists and differs is never replaced without --force (and then nothing is written). \
            Nothing is written through a symbolic link: --force replaces a link at a file's place \
            (never its target), and a linked directory below --out is always refused.

            Examples:
              greenroom generate nginx
              greenroom generate all --out deploy-out
              greenroom generate nginx --out /etc/nginx/sites-available --force
              greenroom generate nginx --templates my-templates/
              greenroom generate kubernetes --out k8s && kubectl apply -f k8s/
            """
    )

    /// What to generate.
    enum Target: String, ExpressibleByArgument, CaseIterable {
        case nginx, apache, haproxy, systemd, kubernetes, all
    }

    @Argument(
        help:
            "What to generate: nginx, apache, haproxy, systemd, kubernetes, or all (the configured proxy and systemd; with a kubernetes: section, kubernetes)."
    )
    var target: Target

    @Option(name: .long, help: ArgumentHelp("The deployment spec.", valueName: "file"))
    var config: String = "greenroom.yml"

    @Option(
        name: .long,
        help: ArgumentHelp("Write the files into this directory instead of printing them.", valueName: "dir")
    )
    var out: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Use the *.mustache templates in this directory instead of the built-in ones.",
            valueName: "dir"
        )
    )
    var templates: String?

    @Flag(name: .long, help: "Overwrite existing files that differ, and replace symbolic links at their place.")
    var force = false

    func run() async throws {
        let files: [GeneratedFile]
        let all = target == .all
        do {
            let spec = try DeploymentSpec.load(path: config)
            let templateSet =
                try templates.map { path throws(TemplateError) in try TemplateSet.loading(directory: path) }
                ?? .embedded
            let generator = try Generator(spec: spec, templates: templateSet)
            let targets = all ? generator.allTargets : [GenerateTarget(rawValue: target.rawValue)!]
            files = try generator.files(for: targets)
        } catch let error as SpecError {
            throw GenerateCommand.fail(error.description, exitCode: 2)
        } catch let error as TemplateError {
            throw GenerateCommand.fail(error.description, exitCode: 2)
        }

        guard let out else {
            var output = ""
            for file in files {
                if files.count > 1 {
                    output += "\(output.isEmpty ? "" : "\n")# ==> \(all ? "\(file.target)/" : "")\(file.path) <==\n"
                }
                output += file.contents
            }
            Console.write(fd: 1, output)
            return
        }
        do {
            let results = try OutputWriter(directory: out, force: force).write(files, bySubdirectory: all)
            for result in results {
                let verb = result.outcome == .written ? "wrote" : "unchanged"
                print("\(verb) \(result.path) (\(result.file.summary))")
            }
        } catch {
            throw GenerateCommand.fail("greenroom: \(error)", exitCode: 1)
        }
    }
}

extension AsyncParsableCommand {
    /// Prints `message` as one line on standard error and returns the exit status to throw,
    /// so a user sees the problem and never a stack trace.
    static func fail(_ message: String, exitCode: Int32) -> ExitCode {
        Console.error(message)
        return ExitCode(exitCode)
    }
}
