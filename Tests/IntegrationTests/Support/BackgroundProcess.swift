import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A long-running program (a daemon in the foreground, `greenroom serve`) with its output in a
/// log file, stopped by ``stop(signal:grace:)`` or, as a safety net, when released.
final class BackgroundProcess: @unchecked Sendable {
    /// A short name for messages (`nginx`, `greenroom serve`).
    let name: String
    /// Standard output and standard error, interleaved.
    let logPath: String
    private let process: Subprocess

    /// Starts `executable`; its output goes to `logPath`.
    init(
        name: String,
        executable: String,
        arguments: [String],
        logPath: String,
        environment: [String: String]? = nil,
        currentDirectory: String? = nil
    ) throws {
        self.name = name
        self.logPath = logPath
        process = try Subprocess(
            executable: executable,
            arguments: arguments,
            environment: environment,
            currentDirectory: currentDirectory,
            outputPath: logPath
        )
    }

    /// The process id.
    var pid: Int32 { process.pid }
    /// `true` until it exits.
    var isRunning: Bool { process.isRunning }
    /// The exit status once it has exited.
    var exitStatus: Int32? { process.exitStatus }
    /// Everything it printed so far.
    var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until `condition` holds; fails early, with the output, if the process exits.
    func waitUntil(_ what: String, timeout: Duration = .seconds(15), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if !isRunning {
                throw HarnessError("\(name) exited (status \(exitStatus ?? -1)) before \(what):\n\(output)")
            }
            guard ContinuousClock.now < deadline else {
                throw HarnessError("timed out after \(timeout) waiting for \(name): \(what)\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits until it accepts TCP connections on `127.0.0.1:port`.
    func waitForPort(_ port: UInt16, timeout: Duration = .seconds(15)) async throws {
        try await waitUntil("listening on 127.0.0.1:\(port)", timeout: timeout) { FreePort.isAccepting(port: port) }
    }

    /// Sends `signal`, waits up to `grace` for it to exit, then kills its whole process group
    /// (workers included). Synchronous, so it can run in `defer` and `deinit`. Returns the exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(10)) -> Int32 {
        let start = ContinuousClock.now
        let wasRunning = process.isRunning
        let status = process.terminate(signal: signal, grace: grace)
        let took = ContinuousClock.now - start
        if wasRunning, took > .seconds(2) { print("note: \(name) took \(took) to stop (status \(status))") }
        return status
    }

    deinit { process.terminate(signal: SIGKILL, grace: .seconds(5)) }
}
