import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The outcome of a finished program.
struct ProcessResult: Sendable, CustomStringConvertible {
    /// The command line, for messages.
    let command: String
    /// The exit status, or 128 + signal when it was killed.
    let status: Int32
    let stdout: String
    let stderr: String
    /// `true` when the deadline passed and the program was killed.
    let timedOut: Bool

    /// Standard output and standard error together.
    var output: String { stdout + stderr }
    /// `true` for exit status 0 within the deadline.
    var succeeded: Bool { status == 0 && !timedOut }

    var description: String {
        "`\(command)` exited \(status)\(timedOut ? " (killed at the deadline)" : "")\n\(output)"
    }
}

/// Runs programs with a deadline and captured output.
///
/// Output goes to temporary files rather than pipes, so a chatty program can never block on a
/// full pipe; a program still running at the deadline gets SIGTERM, then SIGKILL.
enum ProcessRunner {
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: String? = nil, timeout: Duration = .seconds(60)
    ) async throws -> ProcessResult {
        let scratch = try TemporaryDirectory("greenroom-run")
        let stdoutPath = scratch.file("stdout")
        let stderrPath = scratch.file("stderr")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        defer {
            try? stdout.close()
            try? stderr.close()
        }
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()

        let timedOut = await waitForExit(process, timeout: timeout)
        if timedOut {
            kill(process.processIdentifier, SIGTERM)
            if await waitForExit(process, timeout: .seconds(2)) { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return ProcessResult(
            command: ([executable] + arguments).joined(separator: " "), status: status,
            stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "", timedOut: timedOut)
    }
}

/// Waits until `process` has exited; `true` when `timeout` passed first.
func waitForExit(_ process: Process, timeout: Duration) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now >= deadline { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return false
}
