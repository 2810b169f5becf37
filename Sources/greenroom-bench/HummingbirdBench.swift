#if Hummingbird
import Foundation
import GreenroomHummingbird
import Hummingbird
import Logging
import NIOCore

/// `greenroom-bench hummingbird`: the adapter's cost. Stock Hummingbird 2 (`.http1()`) against
/// Hummingbird + GreenroomHummingbird (`.greenroom(options)`) with the same routes, each in a
/// fresh process of this binary, wrk on loopback, in the same run: `/` and `/whoami` with a
/// trusted 3-hop `X-Forwarded-For` chain. Scenarios alternate for `--rounds` rounds; the table
/// shows medians and the ratio to stock (the issue's targets: `/` within 5 %, `/whoami` 10 %).
///
/// Stock `/whoami` answers the socket's peer (all stock Hummingbird knows); Greenroom's answers the
/// whole `ClientAddress` JSON after walking the chain, as `greenroom serve` does.
enum HummingbirdBench {
    static let help = """
        usage: greenroom-bench hummingbird [options]      (build with --traits Hummingbird, -c release)

        """ + FrameworkBench.options

    /// `X-Forwarded-For` through two trusted proxies: the peer (loopback), 10.0.0.3, 10.0.0.2, then the client.
    static let chain = "X-Forwarded-For: 198.51.100.7, 10.0.0.2, 10.0.0.3"

    static let scenarios: [FrameworkBench.Scenario] = ["/", "/whoami"].flatMap { path in
        ["stock", "greenroom"].map { app in
            FrameworkBench.Scenario(
                name: app == "stock" ? "stock Hummingbird" : "Hummingbird + Greenroom",
                path: path,
                headers: path == "/whoami" ? [chain] : [],
                serveArguments: ["hummingbird", "--serve", app],
                isStock: app == "stock"
            )
        }
    }

    static func run(_ arguments: [String]) async throws -> Int32 {
        if arguments.first == "--serve" { return try await serve(Array(arguments.dropFirst())) }
        let bench = try FrameworkBench(name: "hummingbird", scenarios: scenarios, arguments: arguments, help: help)
        return try bench?.run() ?? 0
    }

    /// The hidden server mode: `--serve stock|greenroom --port N`, until SIGTERM.
    static func serve(_ arguments: [String]) async throws -> Int32 {
        guard arguments.count == 3, arguments[1] == "--port", let port = Int(arguments[2]) else {
            throw BenchError("--serve stock|greenroom --port N")
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let configuration = ApplicationConfiguration(address: .hostname("127.0.0.1", port: port))
        switch arguments[0] {
        case "stock":
            let router = Router(context: StockContext.self)
            router.get("/") { _, _ in "Hello, World!" }
            router.get("/whoami") { _, context in "\(context.remoteAddress.map { "\($0)" } ?? "unknown")\n" }
            try await Application(router: router, configuration: configuration, logger: logger).runService()
        case "greenroom":
            let router = Router(context: BasicGreenroomRequestContext.self)
            router.get("/") { _, _ in "Hello, World!" }
            router.get("/whoami") { _, context in ClientAddressResponse(context.client) }
            let options = GreenroomOptions(trustedProxies: try TrustedProxies(parsing: ["loopback", "10.0.0.0/8"]))
            try await Application(
                router: router,
                server: .greenroom(options),
                configuration: configuration,
                logger: logger
            )
            .runService()
        default:
            throw BenchError("--serve stock|greenroom --port N")
        }
        return 0
    }

    /// Stock Hummingbird's way to know the peer: the channel's remote address.
    struct StockContext: RemoteAddressRequestContext {
        var coreContext: CoreRequestContextStorage
        let remoteAddress: SocketAddress?

        init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            remoteAddress = source.channel.remoteAddress
        }
    }
}
#endif
