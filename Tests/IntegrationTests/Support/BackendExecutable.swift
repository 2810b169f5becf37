import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A program that serves `greenroom serve`'s app (`/`, `/whoami`) and takes serve's `--host`,
/// `--port`, `--trust`, `--proxy-protocol` and `--forwarded-headers`: `greenroom serve` itself or
/// an example app built on a framework adapter. One suite drives them all, one row each.
struct BackendExecutable: Sendable, CustomStringConvertible {
    /// The executable's name in the build directory.
    let executable: String
    /// Arguments before serve's flags (`serve` for `greenroom`, a server choice for an example).
    let prefix: [String]

    var description: String { ([executable] + prefix).joined(separator: " ") }

    static let serve = BackendExecutable(executable: "greenroom", prefix: ["serve"])

    /// The executable next to the test binary (or in `.build/debug`), linked where an
    /// unprivileged user can run it when the tests run as root.
    func path() throws -> String {
        var candidates: [String] = []
        if let test = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(
                ((test as NSString).deletingLastPathComponent as NSString).appendingPathComponent(executable)
            )
        }
        candidates.append("\(packageRoot)/.build/debug/\(executable)")
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw HarnessError("\(executable) was not found (looked at \(candidates)); run `swift build` first")
        }
        guard TestEnvironment.isRoot else { return binary }
        // The directory GreenroomBinary made for the greenroom binary (world-readable, removed
        // with the run's other copies).
        let directory = (try GreenroomBinary.unprivilegedPath() as NSString).deletingLastPathComponent
        let target = "\(directory)/\(executable)"
        if !FileManager.default.fileExists(atPath: target), link(binary, target) != 0 {
            try FileManager.default.copyItem(atPath: binary, toPath: target)
        }
        chmod(target, 0o755)
        return target
    }

    /// The command that runs it with `arguments`, as `nobody` when the tests run as root.
    func command(_ arguments: [String]) throws -> (executable: String, arguments: [String]) {
        let binary = try path()
        guard TestEnvironment.isRoot else { return (binary, prefix + arguments) }
        let setpriv = try TestEnvironment.requireProgram("setpriv", package: "util-linux")
        return (setpriv, ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", binary] + prefix + arguments)
    }

    /// Starts it with `arguments` and waits until it accepts connections on 127.0.0.1:`port`.
    func start(_ arguments: [String], port: UInt16, logDirectory: TemporaryDirectory) async throws -> BackgroundProcess
    {
        let (executable, arguments) = try command(arguments)
        let process = try BackgroundProcess(
            name: description,
            executable: executable,
            arguments: arguments,
            logPath: logDirectory.file("\(self.executable)-\(port).log")
        )
        do {
            try await process.waitForPort(port)
        } catch {
            _ = process.stop(signal: SIGTERM)
            if process.output.contains("in use") { throw PortConflict(description: "\(self): \(process.output)") }
            throw error
        }
        return process
    }

    /// Runs it with `arguments` to completion (for refusals).
    func run(_ arguments: [String]) async throws -> ProcessResult {
        let (executable, arguments) = try command(arguments)
        return try await ProcessRunner.run(executable, arguments, timeout: .seconds(30))
    }
}
