import Foundation
import Synchronization
import Testing

/// An executable that serves `greenroom serve`'s app (`GET /` → `Hello, World!`, `GET /whoami` →
/// the client as JSON) and takes `serve`'s flags `--host`, `--port`, `--trust` (repeatable),
/// `--proxy-protocol` and `--forwarded-headers`: `serve` itself, and one example per framework.
/// Suites that drive an app from outside take their rows from ``built``.
enum AppExecutable: String, Sendable, CustomTestStringConvertible {
    /// `greenroom serve`.
    case serve
    /// `greenroom-hummingbird-example` (trait `Hummingbird`).
    case hummingbird
    // case vapor: `greenroom-vapor-example` (trait `Vapor`): its binary below, its row in `built`.

    /// The rows this build can run: `serve`, and each example whose trait the tests were built with.
    static var built: [AppExecutable] {
        var rows: [AppExecutable] = [.serve]
        #if Hummingbird
        rows.append(.hummingbird)
        #endif
        return rows
    }

    var testDescription: String { self == .serve ? "greenroom serve" : "\(rawValue) example" }

    /// The executable's name in the build directory.
    var binary: String {
        switch self {
        case .serve: "greenroom"
        case .hummingbird: "greenroom-hummingbird-example"
        }
    }

    /// The arguments before `serve`'s flags.
    var subcommand: [String] { self == .serve ? ["serve"] : [] }

    /// Starts the app with `flags` (which include `--port port`) and waits until it accepts on 127.0.0.1:port.
    func start(_ flags: [String], port: UInt16, logDirectory: TemporaryDirectory) async throws -> BackgroundProcess {
        let path = try AppExecutable.unprivilegedCopy(of: binary)
        var executable = path
        var prefix: [String] = []
        if TestEnvironment.isRoot {
            executable = try TestEnvironment.requireProgram("setpriv", package: "util-linux")
            prefix = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", path]
        }
        let process = try BackgroundProcess(
            name: testDescription,
            executable: executable,
            arguments: prefix + subcommand + flags,
            logPath: logDirectory.file("\(rawValue).log")
        )
        do {
            try await process.waitForPort(port)
        } catch {
            _ = process.stop()
            if process.output.contains("in use") { throw PortConflict(description: "\(self): \(process.output)") }
            throw error
        }
        return process
    }

    /// `name` next to the `greenroom` binary, copied where `nobody` can run it when the tests run as root.
    static func unprivilegedCopy(of name: String) throws -> String {
        let greenroom = try GreenroomBinary.path()
        let binary = ((greenroom as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("\(binary) was not built; build with the trait that makes it")
        }
        guard TestEnvironment.isRoot else { return binary }
        return try copies.withLock { copies in
            if let copy = copies[name] { return copy }
            let directory = "/tmp/greenroom-apps-\(getpid())"
            mkdir(directory, 0o755)
            chmod(directory, 0o755)
            let target = directory + "/" + name
            unlink(target)
            if link(binary, target) != 0 { try FileManager.default.copyItem(atPath: binary, toPath: target) }
            chmod(target, 0o755)
            copies[name] = target
            return target
        }
    }

    private static let copies = Mutex<[String: String]>([:])
}
