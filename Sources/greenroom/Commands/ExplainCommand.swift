import ArgumentParser
import GreenroomCore

/// `greenroom explain`: shows, step by step, how the trust layer decides who the client is.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain who the client of a request is, and why.",
        discussion: """
            Give the connection's peer, the trusted proxies and the request's forwarding headers; \
            Greenroom prints the walk over the hops and the client it settles on.

            Examples:
              greenroom explain --peer 127.0.0.1 --header 'X-Forwarded-For: 203.0.113.7'
              greenroom explain --peer 10.0.0.2 --trust 10.0.0.0/8 \\
                  --header 'X-Forwarded-For: 198.51.100.1, 203.0.113.9, 10.0.0.3' --json
              greenroom explain --peer 127.0.0.1 --forwarded-headers both \\
                  --header 'X-Forwarded-For: 203.0.113.7' --header 'Forwarded: for=198.51.100.1'
              greenroom explain --peer 127.0.0.1 --forwarded-headers forwarded \\
                  --header 'Forwarded: for="[2001:db8::1]:4711";proto=https'
            """
    )

    @Option(
        name: .long,
        help: ArgumentHelp("The connection's peer: an address, address:port, [v6]:port or 'unix'.", valueName: "IP")
    )
    var peer: String

    @OptionGroup(title: "Trust")
    var trustOptions: TrustOptions

    @Option(
        name: .long,
        help: ArgumentHelp("A request header, 'Name: value' (repeatable, in order).", valueName: "HEADER")
    )
    var header: [String] = []

    @Option(
        name: .customLong("proxy-hex"),
        help: ArgumentHelp("A raw PROXY protocol v1/v2 header in hex, as the peer sent it.", valueName: "HEX")
    )
    var proxyHex: String?

    @Flag(name: .long, help: "Print JSON: {client, client_port, scheme, host, via, chain, ...}.")
    var json = false

    func run() async throws {
        let request: ExplainRequest
        do {
            request = try ExplainRequest(
                peer: peer,
                trust: trustOptions.settings(),
                headers: header,
                proxyHex: proxyHex
            )
        } catch {
            throw ValidationError(error.message)
        }
        print(request.resolve().output(json: json))
    }
}
