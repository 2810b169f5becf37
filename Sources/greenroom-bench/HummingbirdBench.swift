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

          --seconds N        wrk duration per scenario and round (default 10)
          --rounds N         rounds; scenarios alternate, medians are reported (default 5)
          --connections N    wrk connections (default 64)
          --threads N        wrk threads (default 1: on 2 cores a second wrk thread caps every server)
        """

    /// `X-Forwarded-For` through two trusted proxies: the peer (loopback), 10.0.0.3, 10.0.0.2, then the client.
    static let chain = "X-Forwarded-For: 198.51.100.7, 10.0.0.2, 10.0.0.3"

    struct Scenario {
        var app: String
        var path: String
        var headers: [String]
        var name: String { "\(app) \(path)" }
    }

    static let scenarios = [
        Scenario(app: "stock", path: "/", headers: []),
        Scenario(app: "greenroom", path: "/", headers: []),
        Scenario(app: "stock", path: "/whoami", headers: [chain]),
        Scenario(app: "greenroom", path: "/whoami", headers: [chain]),
    ]

    static func run(_ arguments: [String]) async throws -> Int32 {
        if arguments.first == "--serve" { return try await serve(Array(arguments.dropFirst())) }
        if BenchArguments.answeredHelp(arguments, help) { return 0 }
        var wrk = Wrk(threads: 1, connections: 64, seconds: 10)
        var rounds = 5
        var parsed = BenchArguments(arguments)
        while let flag = parsed.next() {
            switch flag {
            case "--seconds": wrk.seconds = try parsed.number(flag)
            case "--rounds": rounds = try parsed.number(flag)
            case "--connections": wrk.connections = try parsed.number(flag)
            case "--threads": wrk.threads = try parsed.number(flag)
            default: throw BenchError("unknown option \(flag)\n\(help)")
            }
        }
        let directory = try BenchArguments.scratchDirectory("hummingbird")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let me = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        print(
            "greenroom-bench hummingbird: wrk -t\(wrk.threads) -c\(wrk.connections) -d\(wrk.seconds)s on 127.0.0.1, "
                + "\(rounds) round(s), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Date())"
        )
        var rps = Array(repeating: [Double](), count: scenarios.count)
        var cpu = Array(repeating: [Double](), count: scenarios.count)
        for round in 1...rounds {
            for (index, scenario) in scenarios.enumerated() {
                let port = Loopback.freePort()
                let process = try ChildProcess(
                    name: "\(scenario.app)-\(index)",
                    executable: me,
                    arguments: ["hummingbird", "--serve", scenario.app, "\(port)"],
                    directory: directory
                )
                defer { process.stop() }
                guard Loopback.waitUntilListening(port: port) else {
                    throw BenchError("\(scenario.name) did not start:\n\(process.output)")
                }
                let url = "http://127.0.0.1:\(port)\(scenario.path)"
                _ = try Wrk(threads: wrk.threads, connections: wrk.connections, seconds: 1).run(
                    url: url,
                    headers: scenario.headers
                )
                let before = process.cpuTicks()
                let result = try wrk.run(url: url, headers: scenario.headers)
                let after = process.cpuTicks()
                guard result.errors == 0 else { throw BenchError("\(scenario.name): \(result.errors) errors") }
                rps[index].append(result.requestsPerSecond)
                if let before, let after, result.requests > 0 {
                    cpu[index].append(
                        Double(after - before) / ChildProcess.ticksPerSecond * 1_000_000 / Double(result.requests)
                    )
                }
                print(
                    "  round \(round) \(scenario.name): \(Int(result.requestsPerSecond)) req/s"
                        + (cpu[index].last.map { String(format: ", %.1f µs CPU/req", $0) } ?? "")
                )
                fflush(nil)
            }
        }
        print("\n| scenario | req/s (median) | vs stock | CPU µs/req (median) |\n| --- | ---: | ---: | ---: |")
        for (index, scenario) in scenarios.enumerated() {
            let median = LoadBench.Row.median(rps[index]) ?? 0
            let stockIndex = scenarios.firstIndex { $0.app == "stock" && $0.path == scenario.path }!
            let ratio = median / (LoadBench.Row.median(rps[stockIndex]) ?? 1)
            let cpuText = LoadBench.Row.median(cpu[index]).map { String(format: "%.1f", $0) } ?? "n/a"
            print("| \(scenario.name) | \(Int(median)) | \(String(format: "%.3f", ratio)) | \(cpuText) |")
        }
        return 0
    }

    /// The hidden server mode: `--serve stock|greenroom PORT`, until SIGTERM.
    static func serve(_ arguments: [String]) async throws -> Int32 {
        guard arguments.count == 2, let port = Int(arguments[1]) else {
            throw BenchError("--serve stock|greenroom PORT")
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
            throw BenchError("--serve stock|greenroom PORT")
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
