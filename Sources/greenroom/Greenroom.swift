import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
                Console.error("greenroom: error: \(message)")
            }
            terminate(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Ends the process with `status` (ArgumentParser's `exit(withError:)` hides the C function's name
/// inside a command).
private func terminate(_ status: Int32) -> Never {
    #if canImport(Darwin)
    Darwin.exit(status)
    #elseif canImport(Musl)
    Musl.exit(status)
    #else
    Glibc.exit(status)
    #endif
}
