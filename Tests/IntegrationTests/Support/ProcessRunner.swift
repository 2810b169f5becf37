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
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        currentDirectory: String? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> ProcessResult {
        let scratch = try TemporaryDirectory("greenroom-run")
        let stdoutPath = scratch.file("stdout")
        let stderrPath = scratch.file("stderr")
        let process = try Subprocess(
            executable: executable,
            arguments: arguments,
            environment: environment,
            currentDirectory: currentDirectory,
            outputPath: stdoutPath,
            errorPath: stderrPath
        )
        let timedOut = await process.wait(timeout: timeout)
        if timedOut {
            process.kill(SIGTERM)
            if await process.wait(timeout: .seconds(2)) { process.kill(SIGKILL, group: true) }
            _ = await process.wait(timeout: .seconds(5))
        }
        return ProcessResult(
            command: process.command,
            status: process.exitStatus ?? -1,
            stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "",
            timedOut: timedOut
        )
    }
}
