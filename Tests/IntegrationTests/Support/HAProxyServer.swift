import Foundation
import Testing

/// A private HAProxy in the foreground (`-db`) on a generated configuration.
final class HAProxyServer: @unchecked Sendable {
    let process: BackgroundProcess

    private init(process: BackgroundProcess) { self.process = process }

    static func executable() throws -> String { try TestEnvironment.requireProgram("haproxy", package: "haproxy") }

    /// `haproxy -c -f config`.
    static func test(config: String) async throws -> ProcessResult {
        try await ProcessRunner.run(try executable(), ["-c", "-f", config], timeout: .seconds(30))
    }

    /// Starts HAProxy and waits until every port in `ports` accepts connections.
    ///
    /// The generated file runs as written (as root here: HAProxy binds, then drops to user
    /// haproxy inside its chroot), except for one deployment value: the admin socket moves into
    /// `logDirectory`, so parallel tests and a system HAProxy do not take each other's.
    static func start(config: String, ports: [UInt16], logDirectory: TemporaryDirectory) async throws -> HAProxyServer {
        let generated = try String(contentsOfFile: config, encoding: .utf8)
        let adapted = generated.replacingOccurrences(
            of: "stats socket /run/haproxy/admin.sock ",
            with: "stats socket \(logDirectory.file("haproxy-admin.sock")) "
        )
        let running = adapted == generated ? config : try logDirectory.write("haproxy-running.cfg", adapted)
        let process = try BackgroundProcess(
            name: "haproxy",
            executable: try executable(),
            arguments: ["-db", "-f", running],
            logPath: logDirectory.file("haproxy.log")
        )
        let server = HAProxyServer(process: process)
        do {
            for port in ports { try await process.waitForPort(port) }
        } catch {
            server.stop()
            if process.output.contains("Address already in use") {
                throw PortConflict(description: "haproxy: \(process.output)")
            }
            throw error
        }
        return server
    }

    var log: String { process.output }

    func stop() { process.stop(signal: SIGTERM) }

    deinit { stop() }
}
