import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Each bind/trust refusal of `greenroom serve` has a narrow opt-in: without it `serve` exits 2
/// with a message naming the flag (and the spec key); with it `serve` starts, and prints the
/// finding as allowed.
@Suite struct ServeOptInTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let flags: [String]
        let optIn: String
        let specKey: String
        let rule: String

        var testDescription: String { "\(flags.joined(separator: " ")) needs \(optIn)" }
    }

    static let rows: [Row] = [
        Row(flags: ["--trust", "0.0.0.0/0"], optIn: "--trust-all-i-know", specKey: "", rule: "--trust"),
        Row(flags: ["--trust", "::/0"], optIn: "--trust-all-i-know", specKey: "", rule: "--trust"),
        Row(
            flags: ["--trust", "0.0.0.0/1", "--trust", "128.0.0.0/1", "--trust-public-ranges"],
            optIn: "--trust-all-i-know",
            specKey: "app.trust_all_i_know",
            rule: "[GR003]"
        ),
        Row(
            flags: ["--trust", "loopback", "--trust", "203.0.113.0/24"],
            optIn: "--trust-public-ranges",
            specKey: "app.trust_public_ranges",
            rule: "[GR003]"
        ),
        Row(
            flags: ["--trust", "loopback", "--trust", "10.0.0.0/7"],
            optIn: "--trust-public-ranges",
            specKey: "app.trust_public_ranges",
            rule: "[GR003]"
        ),
        Row(
            flags: ["--host", "0.0.0.0"],
            optIn: "--allow-wildcard-bind",
            specKey: "app.allow_wildcard_bind",
            rule: "[GR001]"
        ),
    ]

    @Test(arguments: rows)
    func withoutTheOptInServeRefusesNamingIt(_ row: Row) async throws {
        let result = try await GreenroomBinary.runUnprivileged(["serve", "--port", "0"] + row.flags)
        #expect(result.status == 2, "\(result)")
        #expect(!result.stdout.contains("starting up"), "\(result)")
        let refusal = result.stderr.split(separator: "\n").filter { $0.contains(row.optIn) }
        #expect(refusal.contains { $0.contains(row.rule) }, "\(result)")
        if !row.specKey.isEmpty { #expect(refusal.contains { $0.contains(row.specKey) }, "\(result)") }
    }

    @Test(arguments: rows)
    func withTheOptInServeStarts(_ row: Row) async throws {
        let logs = try TemporaryDirectory("greenroom-optin")
        let server = try await ServeProcess.start(
            ["--port", "0"] + row.flags + [row.optIn],
            readiness: .startupLine,
            logDirectory: logs
        )
        let output = server.output
        #expect(server.stop() == 0, "\(output)")
        #expect(output.contains("\(row.optIn) given: "), "\(output)")
    }

    /// The same opt-ins as spec keys, for `serve --config`.
    @Test(arguments: [
        ("trust: [loopback, 203.0.113.0/24]", "trust_public_ranges", "[GR003]"),
        ("trust: [0.0.0.0/0]", "trust_all_i_know", "app.trust_all_i_know"),
    ])
    func specKeysOptInTheSameWay(_ trust: String, _ key: String, _ named: String) async throws {
        let directory = try TemporaryDirectory("greenroom-optin-spec")
        chmod(directory.path, 0o755)
        let port = try FreePort.allocate()
        let yaml = "app:\n  listen: {host: 127.0.0.1, port: \(port)}\n  \(trust)\n"
        let refused = directory.file("refused.yml")
        let allowed = directory.file("allowed.yml")
        try yaml.write(toFile: refused, atomically: true, encoding: .utf8)
        try (yaml + "  \(key): true\n").write(toFile: allowed, atomically: true, encoding: .utf8)
        chmod(refused, 0o644)
        chmod(allowed, 0o644)

        let result = try await GreenroomBinary.runUnprivileged(["serve", "--config", refused])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("app.\(key)") && result.stderr.contains(named), "\(result)")

        let server = try await ServeProcess.start(
            ["--config", allowed],
            readiness: .tcp(port),
            logDirectory: directory
        )
        let output = server.output
        #expect(server.stop() == 0, "\(output)")
        #expect(output.contains("given: "), "\(output)")
    }

    @Test func rootAndPrivilegedPortsHaveNoOptIn() async throws {
        let result = try await GreenroomBinary.runUnprivileged(["serve", "--port", "80", "--no-guard"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("[GR006]"), "\(result)")
    }
}
