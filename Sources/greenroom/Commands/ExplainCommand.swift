import ArgumentParser

/// `greenroom explain`: shows how the trust layer decides who the client is.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explain", abstract: "Explain a client-address decision.")
    func run() async throws {}
}
