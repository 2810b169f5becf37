import Foundation
import Testing

/// The `greenroom` executable built with the tests, and `greenroom serve` as a test backend.
enum GreenroomBinary {
    /// `GREENROOM_BIN`, else the `greenroom` next to the running test binary, else `.build/debug/greenroom`.
    static func path() throws -> String {
        if let path = ProcessInfo.processInfo.environment["GREENROOM_BIN"] { return path }
        var candidates: [String] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(
                ((executable as NSString).deletingLastPathComponent as NSString).appendingPathComponent("greenroom")
            )
        }
        candidates.append("\(packageRoot)/.build/debug/greenroom")
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        throw HarnessError("the greenroom executable was not found (looked at \(candidates)); run `swift build` first")
    }

    /// Runs `greenroom arguments...`.
    static func run(
        _ arguments: [String],
        currentDirectory: String? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> ProcessResult {
        try await ProcessRunner.run(try path(), arguments, currentDirectory: currentDirectory, timeout: timeout)
    }

    /// Skips (or fails under CI) when this build has no `greenroom serve` with the CLI contract's flags.
    static func requireServe(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let help = try await run(["serve", "--help"])
        guard help.succeeded, help.stdout.contains("--port"), help.stdout.contains("--trust") else {
            try TestEnvironment.skip(
                "`greenroom serve` is not in this build yet (the server lands separately)",
                sourceLocation: sourceLocation
            )
        }
    }
}

/// `greenroom serve` running as a test backend.
///
/// When the tests run as root it runs as `nobody` (setpriv), because the server refuses to run as
/// root; the sockets and files it needs are in world-accessible temporary directories.
final class ServeProcess: @unchecked Sendable {
    let process: BackgroundProcess

    private init(process: BackgroundProcess) { self.process = process }

    /// Where to wait for the server.
    enum Readiness {
        case tcp(UInt16)
        case unix(String)
    }

    /// Starts `greenroom serve arguments...` and waits until it accepts connections.
    static func start(
        _ arguments: [String],
        readiness: Readiness,
        logDirectory: TemporaryDirectory
    ) async throws -> ServeProcess {
        let binary = try GreenroomBinary.path()
        var executable = binary
        var fullArguments = ["serve"] + arguments
        if TestEnvironment.isRoot {
            executable = try TestEnvironment.requireProgram("setpriv", package: "util-linux")
            fullArguments = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", binary] + fullArguments
        }
        let process = try BackgroundProcess(
            name: "greenroom serve",
            executable: executable,
            arguments: fullArguments,
            logPath: logDirectory.file("serve.log")
        )
        let server = ServeProcess(process: process)
        do {
            switch readiness {
            case .tcp(let port): try await process.waitForPort(port)
            case .unix(let path):
                try await process.waitUntil("listening on \(path)") { FreePort.isAccepting(unixSocket: path) }
            }
        } catch {
            server.stop()
            if process.output.contains("in use") {
                throw PortConflict(description: "greenroom serve: \(process.output)")
            }
            throw error
        }
        return server
    }

    var output: String { process.output }

    /// SIGTERM (graceful shutdown), then the exit status.
    @discardableResult
    func stop() -> Int32 { process.stop(signal: SIGTERM) }

    deinit { stop() }
}
