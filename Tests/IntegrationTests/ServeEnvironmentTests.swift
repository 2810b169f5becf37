import Foundation
import Testing

/// `greenroom serve` reads `GREENROOM_*` (flags > environment > spec > defaults); the start-up
/// policy judges what the environment asks for, and a bad value names its variable.
@Suite struct ServeEnvironmentTests {
    static func serve(_ arguments: [String], environment: [String: String]) async throws -> ProcessResult {
        let (executable, prefix) = try GreenroomBinary.unprivilegedCommand()
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { _, new in new }
        return try await ProcessRunner.run(
            executable,
            prefix + ["serve"] + arguments,
            environment: merged,
            timeout: .seconds(30)
        )
    }

    @Test func aBadVariableIsNamed() async throws {
        let result = try await Self.serve([], environment: ["GREENROOM_PORT": "eighty"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("GREENROOM_PORT='eighty' is not a whole number"), "\(result)")
    }

    @Test func aWildcardFromTheEnvironmentIsRefusedLikeTheFlag() async throws {
        let result = try await Self.serve(["--port", "18000"], environment: ["GREENROOM_HOST": "0.0.0.0"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("refusing to bind 0.0.0.0:18000"), "\(result)")
        #expect(result.stderr.contains("[GR001]"), "\(result)")
    }

    @Test func theFlagWinsOverTheVariable() async throws {
        let result = try await Self.serve(
            ["--host", "127.0.0.1", "--port", "443"],
            environment: ["GREENROOM_HOST": "0.0.0.0", "GREENROOM_PORT": "18000"]
        )
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("refusing port 443"), "the flag's port, not the variable's: \(result)")
        #expect(!result.stderr.contains("0.0.0.0"), "the flag's host, not the variable's: \(result)")
    }
}
