#if Vapor
import Foundation

/// `greenroom-bench vapor` (trait `Vapor`): stock Vapor against Vapor with Greenroom's
/// middleware and Vapor on Greenroom's server, on `/` and on `/whoami` with a trusted 3-hop
/// `X-Forwarded-For` chain, in the same run: wrk -t1 on loopback, scenarios alternating round by
/// round, medians. Each app runs in a child process (`greenroom-bench vapor-app`).
enum VaporBench {
    static let help = """
        usage: greenroom-bench vapor [options]     (build with --traits Vapor, -c release)

        """ + FrameworkBench.options

    /// A trusted 3-hop chain: the client, then two proxies in 10.0.0.0/8; the peer is 127.0.0.1.
    static let chain = ["X-Forwarded-For: 198.51.100.7, 10.0.0.3, 10.0.0.2"]

    static let scenarios: [FrameworkBench.Scenario] = ["/", "/whoami"].flatMap { path in
        VaporBenchApp.Mode.allCases.map { mode in
            FrameworkBench.Scenario(
                name: mode.label,
                path: path,
                headers: path == "/whoami" ? chain : [],
                serveArguments: ["vapor-app", "--mode", mode.rawValue],
                isStock: mode == .stock
            )
        }
    }

    static func run(_ arguments: [String]) async throws -> Int32 {
        let bench = try FrameworkBench(name: "vapor", scenarios: scenarios, arguments: arguments, help: help)
        return try bench?.run() ?? 0
    }
}
#endif
