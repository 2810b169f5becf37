import Foundation
import Testing

/// `greenroom serve` runs the guard's rules before it accepts a connection: one line per finding
/// with its rule id, exit status 2 on errors, warnings printed and started anyway, and
/// `--no-guard` naming the rules it skips.
@Suite(.serialized) struct CheckServeStartupTests {
    /// Runs `greenroom serve arguments...` (as nobody when root) and expects a refusal.
    static func refused(_ arguments: [String], _ rule: String, _ fragment: String) async throws {
        let result = try await GreenroomBinary.runUnprivileged(["serve"] + arguments)
        #expect(result.status == 2, "\(result)")
        #expect(!result.stdout.contains("starting up"))
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.hasPrefix("greenroom: ") && $0.hasSuffix("]") }, "\(result)")
        #expect(lines.contains { $0.hasSuffix("[\(rule)]") && $0.contains(fragment) }, "\(result)")
    }

    @Test func theServersOwnRefusalsCarryRuleIDs() async throws {
        try await Self.refused(["--host", "0.0.0.0", "--port", "18000"], "GR001", "refusing to bind 0.0.0.0:18000")
        try await Self.refused(["--port", "443"], "GR006", "refusing port 443")
    }

    @Test func trustThatCoversEveryoneIsRefused() async throws {
        try await Self.refused(
            ["--port", "18000", "--trust", "0.0.0.0/1", "--trust", "128.0.0.0/1"],
            "GR003",
            "--trust: the blocks together cover every IPv4 address"
        )
    }

    @Test func aPortSomethingElseListensOnIsRefusedNamingIt() async throws {
        let scratch = try TemporaryDirectory()
        try await retryingOnPortConflict {
            let port = try FreePort.allocate()
            let listener = try await LiveListener.tcp(host: "127.0.0.1", port: port, in: scratch)
            defer { listener.stop() }
            try await Self.refused(["--port", "\(port)"], "GR090", "127.0.0.1:\(port) is taken")
        }
    }

    @Test func anAddressThisHostDoesNotHaveIsRefused() async throws {
        let address = "10.254.253.9"
        guard !LiveNetwork.addresses().contains(where: { $0.text == address }) else {
            try TestEnvironment.skip("this machine really has \(address)")
        }
        try await Self.refused(
            ["--host", address, "--port", "18000", "--trust", "10.254.253.1"],
            "GR092",
            "is not an address of this host"
        )
    }

    /// Warnings are printed and the server starts.
    @Test func warningsDoNotStopTheServer() async throws {
        let scratch = try TemporaryDirectory()
        try await retryingOnPortConflict {
            let port = try FreePort.allocate()
            let spec = try scratch.write(
                "greenroom.yml",
                "app:\n  listen: {host: 127.0.0.1, port: \(port)}\n  hops: 3\n  trust: [loopback, 10.0.0.0/8]\n"
            )
            let serve = try await ServeProcess.start(["--config", spec], readiness: .tcp(port), logDirectory: scratch)
            defer { serve.stop() }
            let warnings = serve.output.split(separator: "\n").filter { $0.hasPrefix("greenroom: ") }
            #expect(
                warnings.contains { $0.hasPrefix("greenroom: \(spec):3:9: app.hops: 3") && $0.hasSuffix("[GR013]") },
                "\(serve.output)"
            )
            #expect(
                warnings.contains { $0.contains("app.trust[1]: 10.0.0.0/8") && $0.hasSuffix("[GR004]") },
                "\(serve.output)"
            )
        }
    }

    @Test func noGuardNamesTheRulesItSkips() async throws {
        let scratch = try TemporaryDirectory()
        try await retryingOnPortConflict {
            let port = try FreePort.allocate()
            let serve = try await ServeProcess.start(
                ["--no-guard", "--host", "0.0.0.0", "--port", "\(port)", "--shutdown-timeout", "1"],
                readiness: .tcp(port),
                logDirectory: scratch
            )
            defer { serve.stop() }
            let warning =
                serve.output.split(separator: "\n").first { $0.contains("--no-guard skips") }.map(String.init) ?? ""
            #expect(
                warning.hasPrefix("greenroom: warning: --no-guard skips the start-up checks GR001, GR002"),
                "\(serve.output)"
            )
            for rule in ["GR003", "GR090", "GR092"] { #expect(warning.contains(rule)) }
            #expect(
                !warning.contains("GR005") && !warning.contains("GR006"),
                "root and privileged ports are never skipped"
            )
        }
    }
}
