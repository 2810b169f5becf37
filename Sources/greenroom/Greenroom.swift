import ArgumentParser
import Foundation

/// The `greenroom` command: run an HTTP service behind a reverse proxy, safely.
@main
struct Greenroom: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greenroom",
        abstract: "Run an HTTP service behind nginx, Apache or HAProxy - safely.",
        discussion: """
            Greenroom serves on loopback only, believes forwarding headers and PROXY headers only \
            from the proxies you trust, generates matching proxy configuration and checks the whole \
            deployment for ways around the proxy.

            The five-minute deployment (each command's --help has more):
              greenroom init
              greenroom generate all --out deploy-out
              greenroom serve --config greenroom.yml
              sudo greenroom check --live --probe-url https://localhost/

            Who is the client of a request, and why:
              greenroom explain --peer 127.0.0.1 --trust loopback \\
                --header 'X-Forwarded-For: 203.0.113.9'

            Exit codes: 0 success, 1 findings at error level (check), 2 usage or configuration error.
            """,
        version: GreenroomVersion.text,
        subcommands: [
            ServeCommand.self, GenerateCommand.self, CheckCommand.self, ExplainCommand.self, InitCommand.self,
            VersionCommand.self,
        ]
    )

    /// Runs the command, mapping every usage error to exit code 2 with a one-line message
    /// (ArgumentParser's default is 64), as the CLI contract requires.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            let message = self.message(for: error)
            if !message.isEmpty {
                var standardError = StandardError()
                print("greenroom: error: \(message)", to: &standardError)
            }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
