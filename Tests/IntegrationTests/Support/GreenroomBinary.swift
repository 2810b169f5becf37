import Foundation
import Synchronization
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

    /// The binary as an unprivileged user can run it: when the tests run as root, a copy in a
    /// world-readable directory (the checkout may live where `nobody` cannot read, e.g. /root).
    static func unprivilegedPath() throws -> String {
        let binary = try path()
        guard TestEnvironment.isRoot else { return binary }
        return try unprivilegedCopy.withLock { copy in
            if let copy { return copy }
            removeStaleUnprivilegedCopies()
            let directory = "/tmp/greenroom-bin-\(getpid())"
            mkdir(directory, 0o755)
            chmod(directory, 0o755)
            let target = directory + "/greenroom"
            unlink(target)
            // A hard link is never open for writing, so no test can hit ETXTBSY executing it; a
            // copy (another file system) can, briefly, which ServeProcess and runUnprivileged retry.
            if link(binary, target) != 0 {
                try FileManager.default.copyItem(atPath: binary, toPath: target)
            }
            chmod(target, 0o755)
            copy = target
            return target
        }
    }

    private static let unprivilegedCopy = Mutex<String?>(nil)

    /// Removes the `/tmp/greenroom-bin-<pid>` directories of test runs that have ended, so they
    /// don't pile up (each may hold a copy of the binary).
    private static func removeStaleUnprivilegedCopies() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for name in names where name.hasPrefix("greenroom-bin-") {
            guard let pid = Int32(name.dropFirst("greenroom-bin-".count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: "/tmp/" + name) }
        }
    }

    /// The command prefix that runs the binary unprivileged: `setpriv ... -- copy` as root.
    static func unprivilegedCommand() throws -> (executable: String, prefix: [String]) {
        let binary = try unprivilegedPath()
        guard TestEnvironment.isRoot else { return (binary, []) }
        let setpriv = try TestEnvironment.requireProgram("setpriv", package: "util-linux")
        return (setpriv, ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", binary])
    }

    /// Runs `greenroom arguments...` as an unprivileged user (`nobody` when the tests run as root).
    static func runUnprivileged(
        _ arguments: [String],
        currentDirectory: String? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> ProcessResult {
        let (executable, prefix) = try unprivilegedCommand()
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let result = try await ProcessRunner.run(
                executable,
                prefix + arguments,
                currentDirectory: currentDirectory,
                timeout: timeout
            )
            // A child forked by a parallel test may still hold the fresh copy open for writing
            // until it execs (ETXTBSY); that passes as soon as the child execs.
            guard result.status == 126, result.stderr.contains("Text file busy"), ContinuousClock.now < deadline else {
                return result
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Runs `greenroom arguments...`.
    static func run(
        _ arguments: [String],
        currentDirectory: String? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> ProcessResult {
        try await ProcessRunner.run(try path(), arguments, currentDirectory: currentDirectory, timeout: timeout)
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
        /// Until it accepts connections on 127.0.0.1:port.
        case tcp(UInt16)
        /// Until it accepts connections on the unix socket.
        case unix(String)
        /// Until it prints `greenroom starting up on <url>` (e.g. with `--port 0`).
        case startupLine
    }

    /// The URL of the start-up line, e.g. `http://127.0.0.1:41234`.
    private(set) var url = ""

    /// Starts `greenroom serve arguments...` and waits until it accepts connections.
    ///
    /// - Parameter launcher: a command that runs it, e.g. `["/usr/bin/prlimit", "--nofile=64:64", "--"]`.
    static func start(
        _ arguments: [String],
        readiness: Readiness,
        logDirectory: TemporaryDirectory,
        launcher: [String] = [],
        environment: [String: String] = [:]
    ) async throws -> ServeProcess {
        var (executable, prefix) = try GreenroomBinary.unprivilegedCommand()
        if let first = launcher.first {
            prefix = launcher.dropFirst() + [executable] + prefix
            executable = first
        }
        let process = try BackgroundProcess(
            name: "greenroom serve",
            executable: executable,
            arguments: prefix + ["serve"] + arguments,
            logPath: logDirectory.file("serve.log"),
            environment: environment.isEmpty
                ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 }
        )
        let server = ServeProcess(process: process)
        do {
            switch readiness {
            case .tcp(let port): try await process.waitForPort(port)
            case .unix(let path):
                // The start-up line comes once the socket is set up (mode included), after it
                // first accepts: wait for both.
                try await process.waitUntil("listening on \(path) and the start-up line") {
                    FreePort.isAccepting(unixSocket: path) && server.startupURL != nil
                }
            case .startupLine:
                try await process.waitUntil("the start-up line") { server.startupURL != nil }
            }
            server.url = server.startupURL ?? ""
        } catch {
            server.stop()
            if process.exitStatus == 126, process.output.contains("Text file busy") {
                // A child forked by a parallel test still held the fresh copy open for writing
                // until it exec'd: start again.
                return try await start(
                    arguments,
                    readiness: readiness,
                    logDirectory: logDirectory,
                    launcher: launcher,
                    environment: environment
                )
            }
            if process.output.contains("in use") {
                throw PortConflict(description: "greenroom serve: \(process.output)")
            }
            throw error
        }
        return server
    }

    var output: String { process.output }

    /// The URL printed on the start-up line, once printed.
    var startupURL: String? {
        let marker = "greenroom starting up on "
        for line in output.split(separator: "\n") where line.hasPrefix(marker) {
            return String(line.dropFirst(marker.count))
        }
        return nil
    }

    /// SIGTERM (graceful shutdown), then the exit status.
    @discardableResult
    func stop() -> Int32 { process.stop(signal: SIGTERM) }

    deinit { stop() }
}

extension ServeProcess {
    /// Runs `body` with `greenroom serve --port <a free port> --access-log off` plus `flags`,
    /// started and accepting, and stops it afterwards; a port another process took meanwhile is
    /// retried with a new one.
    static func onFreePort<T>(
        _ flags: [String] = [],
        logDirectory: TemporaryDirectory,
        environment: [String: String] = [:],
        _ body: (ServeProcess, UInt16) async throws -> T
    ) async throws -> T {
        try await retryingOnPortConflict {
            let port = try FreePort.allocate(1)[0]
            let serve = try await ServeProcess.start(
                ["--port", "\(port)", "--access-log", "off"] + flags,
                readiness: .tcp(port),
                logDirectory: logDirectory,
                environment: environment
            )
            defer { serve.stop() }
            return try await body(serve, port)
        }
    }
}
