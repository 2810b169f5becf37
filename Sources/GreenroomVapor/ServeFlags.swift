#if Vapor
import Vapor

/// The listener flags of Vapor's `serve` command, read from the app's arguments the way `serve`
/// reads them (ConsoleKit, the same names and short forms), so the start-up check judges the
/// address `serve` will bind rather than the configured one it replaces.
struct ServeFlags: CommandSignature {
    @Option(name: "hostname", short: "H")
    var hostname: String?

    @Option(name: "port", short: "p")
    var port: Int?

    @Option(name: "bind", short: "b")
    var bind: String?

    @Option(name: "unix-socket")
    var socketPath: String?

    init() {}

    /// The address Vapor's server binds when `input` runs: `configured` replaced by what `serve`'s
    /// flags name, as `ServeCommand` and `HTTPServer.start(address:)` combine them. `serve` is the
    /// default command, so arguments with no command (or starting with a flag) are `serve`'s; any
    /// other command does not start the server and leaves `configured` as it is.
    ///
    /// - Throws: ConsoleKit's error for a flag `serve` would also fail to read (`--port abc`).
    static func address(
        for input: CommandInput,
        configured: HTTPServer.Configuration
    ) throws -> BindAddress {
        var input = input
        if let command = input.arguments.first, !command.hasPrefix("-") {
            guard command == "serve" else { return configured.address }
            input.arguments.removeFirst()
        }
        let flags = try ServeFlags(from: &input)
        switch (flags.hostname, flags.port, flags.bind, flags.socketPath) {
        case (nil, nil, nil, nil):
            return configured.address
        case (nil, nil, nil, let path?):
            return .unixDomainSocket(path: path)
        case (nil, nil, let bind?, nil):
            // `serve --bind` splits on ":" and takes the first and last pieces, as Vapor does.
            let host = bind.split(separator: ":").first.map(String.init)
            let port = bind.split(separator: ":").last.map(String.init).flatMap { Int($0) }
            return .hostname(host ?? configured.hostname, port: port ?? configured.port)
        case (let host, let port, nil, nil):
            return .hostname(host ?? configured.hostname, port: port ?? configured.port)
        default:
            // `serve` refuses the combination (incompatibleFlags) and binds nothing.
            return configured.address
        }
    }
}
#endif
