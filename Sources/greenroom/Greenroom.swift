import ArgumentParser

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
            """,
        subcommands: [ExplainCommand.self, ServeCommand.self]
    )
}
