import Foundation
import Testing

/// A bypass attempt on a real network: two network namespaces joined by a veth pair, the app in
/// one (10.213.0.1), a client in the other (10.213.0.2). Bound per Greenroom's defaults the
/// client cannot reach the app; bound to 0.0.0.0 with `--no-guard` it can, and
/// `greenroom check --live` says so. Without the override, `serve` refuses the bind.
///
/// Needs root and iproute2: skipped with a reason otherwise, failed under `CI=true`.
@Suite(.serialized) struct NetworkBypassTests {
    /// The app's port. Each test has namespaces of its own, so nothing else listens there.
    static let appPort = 8000
    /// A second server the client can reach, proving the network works.
    static let controlPort = 8001

    /// `curl` from the client's namespace; its exit status 7 means it could not connect.
    static func curlFromClient(
        _ network: VethNetwork,
        _ url: String,
        headers: [String] = []
    ) async throws -> ProcessResult {
        let curl = try TestEnvironment.requireProgram("curl")
        return try await network.client.run(
            curl,
            ["-sS", "--noproxy", "*", "--max-time", "5"] + headers.flatMap { ["-H", $0] } + [url]
        )
    }

    /// `greenroom serve flags...` as nobody inside the app's namespace, stopped by `teardown`;
    /// its log in a directory of its own (the start-up line is read from it).
    static func serve(_ flags: [String], in network: VethNetwork, _ teardown: Teardown) async throws -> ServeProcess {
        let logs = try TemporaryDirectory("greenroom-bypass-log")
        let server = try await ServeProcess.start(
            flags,
            readiness: .startupLine,
            logDirectory: logs,
            launcher: network.app.launcher
        )
        teardown.add {
            server.stop()
            logs.remove()
        }
        return server
    }

    /// The spec `check` reads: the app on 127.0.0.1:8000, as deployed behind a local proxy.
    static func spec(_ scratch: TemporaryDirectory) throws -> String {
        try scratch.write("greenroom.yml", "app:\n  listen: {host: 127.0.0.1, port: \(appPort)}\n")
    }

    @Test func theDefaultBindIsOutOfTheNetworksReach() async throws {
        _ = try NetworkNamespace.requirements()
        let network = try await VethNetwork.create()
        defer { network.remove() }
        try await withTeardown { teardown in
            let scratch = try TemporaryDirectory("greenroom-bypass")
            let app = try await Self.serve(
                ["--port", "\(Self.appPort)"],
                in: network,
                teardown
            )
            _ = try await Self.serve(
                ["--host", network.appAddress, "--port", "\(Self.controlPort)", "--allow-public"],
                in: network,
                teardown
            )
            #expect(app.url == "http://127.0.0.1:\(Self.appPort)", "\(app.output)")

            // The network works: the client reaches the server bound to the veth address, which sees it.
            let reached = try await Self.curlFromClient(
                network,
                "http://\(network.appAddress):\(Self.controlPort)/whoami"
            )
            #expect(reached.succeeded, "\(reached)")
            #expect(reached.stdout.contains("\"client\":\"\(network.clientAddress)\""), "\(reached)")

            // The app is up (it answers on its own loopback) but out of the client's reach.
            let curl = try TestEnvironment.requireProgram("curl")
            let local = try await network.app.run(
                curl,
                ["-sS", "--max-time", "5", "http://127.0.0.1:\(Self.appPort)/healthz"]
            )
            #expect(local.succeeded && local.stdout == "ok", "\(local)")
            let blocked = try await Self.curlFromClient(network, "http://\(network.appAddress):\(Self.appPort)/healthz")
            #expect(blocked.status == 7, "curl must fail to connect: \(blocked)")

            let check = try await GreenroomCheck.run(["--config", try Self.spec(scratch), "--live"], in: network.app)
            #expect(check.result.status == 0, "\(check)")
            #expect(check.findings.isEmpty, "an app on loopback run by nobody is a clean deployment: \(check)")
        }
    }

    @Test func aWildcardBindWithNoGuardIsReachedAroundTheProxyAndReported() async throws {
        _ = try NetworkNamespace.requirements()
        let network = try await VethNetwork.create()
        defer { network.remove() }
        try await withTeardown { teardown in
            let scratch = try TemporaryDirectory("greenroom-bypass")
            let app = try await Self.serve(
                ["--host", "0.0.0.0", "--port", "\(Self.appPort)", "--no-guard"],
                in: network,
                teardown
            )
            #expect(app.output.contains("--no-guard skips the start-up checks"), "\(app.output)")

            // The client goes around the (absent) proxy; its forged header is still not believed.
            let reached = try await Self.curlFromClient(
                network,
                "http://\(network.appAddress):\(Self.appPort)/whoami",
                headers: ["X-Forwarded-For: 198.51.100.1"]
            )
            #expect(reached.succeeded, "the client must reach a wildcard bind: \(reached)")
            #expect(reached.stdout.contains("\"client\":\"\(network.clientAddress)\""), "\(reached)")

            let check = try await GreenroomCheck.run(["--config", try Self.spec(scratch), "--live"], in: network.app)
            #expect(check.result.status == 1, "\(check)")
            // GR080: the wildcard listener; GR084: the bypass, reached on the veth address. Nothing else
            // (the app runs as nobody, on the port the spec names).
            #expect(check.rules == ["GR080", "GR084"], "\(check)")
            let bypass = check.findings("GR084")
            #expect(bypass.first?.message.contains("\(network.appAddress):\(Self.appPort)") == true, "\(check)")

        }
    }

    /// A bind the client could reach while a proxy is trusted: refused before anything listens.
    struct Refusal: Sendable, CustomTestStringConvertible {
        let flags: [String]
        /// The guard's rule id the refusal names.
        let id: String
        var testDescription: String { flags.joined(separator: " ") }
    }

    static let refusals = [
        Refusal(flags: ["--host", "0.0.0.0"], id: "GR001"),
        Refusal(flags: ["--host", "::"], id: "GR001"),
        Refusal(flags: ["--host", "0.0.0.0", "--trust", "10.213.0.0/24"], id: "GR001"),
        Refusal(flags: ["--host", "10.213.0.1"], id: "GR002"),
    ]

    @Test(arguments: refusals)
    func serveRefusesABypassBindWithoutNoGuard(_ refusal: Refusal) async throws {
        _ = try NetworkNamespace.requirements()
        let network = try await VethNetwork.create()
        defer { network.remove() }
        let (executable, prefix) = try GreenroomBinary.unprivilegedCommand()
        let result = try await network.app.run(
            executable,
            prefix + ["serve", "--port", "\(Self.appPort)"] + refusal.flags,
            timeout: .seconds(20)
        )
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("[\(refusal.id)]"), "the rule id: \(result)")
        #expect(result.stderr.contains("refusing to bind"), "\(result)")
        #expect(!result.stdout.contains("starting up"), "\(result)")
        let ss = try await network.app.run(try TestEnvironment.requireProgram("ss", package: "iproute2"), ["-Htln"])
        #expect(ss.succeeded && !ss.stdout.contains(":\(Self.appPort)"), "nothing may listen: \(ss)")
    }
}
