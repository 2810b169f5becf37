import Foundation
import Synchronization

/// The built `greenroom` binary, run as a real process for black-box tests.
///
/// `serve` refuses to run as root, and the checkout may sit where `nobody` cannot read, so the
/// binary is copied into a fresh world-readable temporary directory and, when the tests run as
/// root, started through `setpriv --reuid=65534 --regid=65534 --clear-groups`.
final class GreenroomProcess: Sendable {
    /// The binary under test: `$GREENROOM_BINARY`, or `greenroom` next to the test bundle.
    static var binary: String? {
        if let path = ProcessInfo.processInfo.environment["GREENROOM_BINARY"] { return path }
        let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var directory = URL(fileURLWithPath: bundle).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("greenroom").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// `true` when running as root (tests then drop to `nobody`).
    static var isRoot: Bool { geteuid() == 0 }

    /// A world-readable directory holding a copy of the binary.
    let directory: URL
    let process: Process
    private let stdoutData = CollectedOutput()
    private let stderrData = CollectedOutput()

    /// Bytes a pipe delivered so far.
    final class CollectedOutput: Sendable {
        private let data = Mutex(Data())
        func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }
        var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
    }

    /// Starts `greenroom <arguments>`; `asRoot` skips the privilege drop (to test the refusal).
    init(_ arguments: [String], asRoot: Bool = false) throws {
        guard let binary = Self.binary else { throw Failure("the greenroom binary is not built (swift build)") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("greenroom-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let copy = directory.appendingPathComponent("greenroom").path
        try FileManager.default.copyItem(atPath: binary, toPath: copy)
        chmod(directory.path, 0o777)
        chmod(copy, 0o755)

        process = Process()
        if Self.isRoot && !asRoot {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", copy] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: copy)
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        out.fileHandleForReading.readabilityHandler = { [stdoutData] handle in
            let chunk = handle.availableData
            stdoutData.append(chunk)
        }
        err.fileHandleForReading.readabilityHandler = { [stderrData] handle in
            let chunk = handle.availableData
            stderrData.append(chunk)
        }
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    var standardOutput: String { stdoutData.text }
    var standardError: String { stderrData.text }

    /// Waits for the `greenroom starting up on <url>` line and returns the URL.
    func waitForStartup(timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for line in standardOutput.split(separator: "\n") where line.hasPrefix("greenroom starting up on ") {
                return String(line.dropFirst("greenroom starting up on ".count))
            }
            guard process.isRunning else {
                throw Failure("greenroom exited (\(process.terminationStatus)) before starting: \(standardError)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Failure("greenroom did not print its start-up line in time; stderr: \(standardError)")
    }

    /// Waits for the process to exit and returns its status.
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(20)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw Failure("greenroom did not exit in time") }
            try await Task.sleep(for: .milliseconds(20))
        }
        // Let the pipes drain.
        try await Task.sleep(for: .milliseconds(50))
        return process.terminationStatus
    }

    /// Sends SIGTERM and waits for the exit status.
    func terminate() async throws -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        return try await waitForExit()
    }

    /// Runs `greenroom <arguments>` to completion.
    static func run(_ arguments: [String], asRoot: Bool = false) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = try GreenroomProcess(arguments, asRoot: asRoot)
        let status = try await process.waitForExit()
        return (status, process.standardOutput, process.standardError)
    }

    /// Runs `curl -s <arguments>` and returns its output; `nil` when curl is not installed.
    static func curl(_ arguments: [String]) throws -> (status: Int32, output: String)? {
        guard let curl = ["/usr/bin/curl", "/usr/local/bin/curl", "/bin/curl"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else { return nil }
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: curl)
        process.arguments = ["-s", "--max-time", "10"] + arguments
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A missing tool: skip with a printed reason locally, fail under `CI=true`.
    static func missing(_ what: String) -> String? {
        let reason = "skipped: \(what)"
        if ProcessInfo.processInfo.environment["CI"] == "true" { return reason }
        print(reason)
        return nil
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
