import Foundation

/// `greenroom check ... --json` as the end-to-end tests run it: the exit status and the findings.
struct GreenroomCheck: Sendable, CustomStringConvertible {
    /// The finished program.
    let result: ProcessResult
    /// Each finding's rule id, severity and message, in the order printed.
    let findings: [Finding]

    struct Finding: Sendable, Hashable, CustomStringConvertible {
        let rule: String
        let severity: String
        let message: String
        var description: String { "\(rule) \(severity): \(message)" }
    }

    /// The rule ids found, sorted.
    var rules: [String] { findings.map(\.rule).sorted() }
    /// The findings at `error` level.
    var errors: [Finding] { findings.filter { $0.severity == "error" } }
    /// The findings of one rule.
    func findings(_ rule: String) -> [Finding] { findings.filter { $0.rule == rule } }

    var description: String { "\(result)\nfindings:\n" + findings.map { "  \($0)" }.joined(separator: "\n") }

    /// Runs `greenroom check <arguments> --json` (as the tests' user, root for `--live`), inside
    /// `namespace` when given.
    static func run(
        _ arguments: [String],
        in namespace: NetworkNamespace? = nil,
        currentDirectory: String? = nil
    ) async throws -> GreenroomCheck {
        let binary = try GreenroomBinary.path()
        let command = ["check"] + arguments + ["--json"]
        let result: ProcessResult
        if let namespace {
            result = try await namespace.run(binary, command, timeout: .seconds(60))
        } else {
            result = try await ProcessRunner.run(
                binary,
                command,
                currentDirectory: currentDirectory,
                timeout: .seconds(60)
            )
        }
        guard
            let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let list = object["findings"] as? [[String: Any]]
        else { throw HarnessError("greenroom check did not print its JSON report: \(result)") }
        let findings = list.map {
            Finding(
                rule: $0["rule"] as? String ?? "?",
                severity: $0["severity"] as? String ?? "?",
                message: $0["message"] as? String ?? ""
            )
        }
        return GreenroomCheck(result: result, findings: findings)
    }
}
