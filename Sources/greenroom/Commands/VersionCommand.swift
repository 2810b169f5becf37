import ArgumentParser

/// `greenroom version`: the same line as `greenroom --version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version (and the git commit it was built from, if any)."
    )

    func run() {
        print(GreenroomVersion.text)
    }
}
