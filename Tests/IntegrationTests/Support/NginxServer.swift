import Foundation
import Testing

/// A private nginx: its own prefix, pid file and logs in a temporary directory, on loopback ports
/// the test chose, run in the foreground (`daemon off`) and stopped by the test.
///
/// Generated site files are included in the `http` context, stream files in the main context,
/// exactly as the generated files' comments tell a user to install them.
final class NginxServer: @unchecked Sendable {
    /// The prefix directory.
    let prefix: String
    /// The running master process.
    let process: BackgroundProcess

    private init(prefix: String, process: BackgroundProcess) {
        self.prefix = prefix
        self.process = process
    }

    /// The nginx executable, or a skip/CI failure.
    static func executable() throws -> String { try TestEnvironment.requireProgram("nginx", package: "nginx") }

    /// The stream module Debian builds as a dynamic module (libnginx-mod-stream).
    static let streamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"

    /// Writes `nginx.conf` into a prefix under `directory` and returns its path.
    static func writeConfig(
        in directory: TemporaryDirectory,
        httpIncludes: [String],
        mainIncludes: [String] = []
    ) throws -> String {
        let prefix = try directory.makeDirectory("nginx")
        try directory.makeDirectory("nginx/logs")
        try directory.makeDirectory("nginx/temp")
        var main = ""
        if !mainIncludes.isEmpty, FileManager.default.fileExists(atPath: streamModule) {
            main += "load_module \(streamModule);\n"
        }
        main += """
            daemon off;
            master_process on;
            worker_processes 1;
            pid \(prefix)/nginx.pid;
            error_log \(prefix)/logs/error.log notice;
            \(TestEnvironment.isRoot ? "user nobody nogroup;" : "")
            events { worker_connections 1024; }
            http {
                access_log \(prefix)/logs/access.log;
                client_body_temp_path \(prefix)/temp/body;
                proxy_temp_path \(prefix)/temp/proxy;
                fastcgi_temp_path \(prefix)/temp/fastcgi;
                uwsgi_temp_path \(prefix)/temp/uwsgi;
                scgi_temp_path \(prefix)/temp/scgi;
            \(httpIncludes.map { "    include \($0);" }.joined(separator: "\n"))
            }
            \(mainIncludes.map { "include \($0);" }.joined(separator: "\n"))

            """
        return try directory.write("nginx/nginx.conf", main)
    }

    /// `nginx -t` on a private configuration that includes the given files.
    static func test(
        in directory: TemporaryDirectory,
        httpIncludes: [String],
        mainIncludes: [String] = []
    ) async throws -> ProcessResult {
        let nginx = try executable()
        let config = try writeConfig(in: directory, httpIncludes: httpIncludes, mainIncludes: mainIncludes)
        let prefix = directory.file("nginx")
        return try await ProcessRunner.run(
            nginx,
            ["-t", "-q", "-p", prefix, "-e", "\(prefix)/logs/error.log", "-c", config],
            timeout: .seconds(30)
        )
    }

    /// Starts nginx and waits until every port in `ports` accepts connections.
    ///
    /// - Throws: ``PortConflict`` when a port was taken meanwhile (retry with new ports), or a
    ///   ``HarnessError`` with the error log.
    ///
    /// With a `launcher` (`ip netns exec NAME`) nginx runs inside a network namespace; its ports
    /// cannot be probed from here, so only the pid file (written once it holds its sockets) is
    /// waited for.
    static func start(
        in directory: TemporaryDirectory,
        httpIncludes: [String],
        mainIncludes: [String] = [],
        ports: [UInt16],
        launcher: [String] = []
    ) async throws -> NginxServer {
        let nginx = try executable()
        let config = try writeConfig(in: directory, httpIncludes: httpIncludes, mainIncludes: mainIncludes)
        let prefix = directory.file("nginx")
        // nginx writes its pid file only once it holds its listening sockets; a stale one would
        // say so too early.
        unlink("\(prefix)/nginx.pid")
        let arguments = ["-p", prefix, "-e", "\(prefix)/logs/error.log", "-c", config]
        let process = try BackgroundProcess(
            name: "nginx",
            executable: launcher.first ?? nginx,
            arguments: launcher.isEmpty ? arguments : launcher.dropFirst() + [nginx] + arguments,
            logPath: "\(prefix)/logs/stderr.log"
        )
        let server = NginxServer(prefix: prefix, process: process)
        do {
            // A port that accepts is not proof: another test's listener may hold it while nginx
            // failed to bind it (curl then spoke TLS to a plain server, exit 35). Wait for the pid
            // file, which nginx writes after binding, or for it to exit with the bind error.
            try await process.waitUntil("nginx.pid") { FileManager.default.fileExists(atPath: "\(prefix)/nginx.pid") }
            for port in ports { try await process.waitForPort(port) }
        } catch {
            server.stop()
            let log = server.errorLog
            if log.contains("Address already in use") { throw PortConflict(description: "nginx: \(log)") }
            throw HarnessError("\(error)\nnginx error log:\n\(log)")
        }
        return server
    }

    /// The error log so far.
    var errorLog: String {
        (try? String(contentsOfFile: "\(prefix)/logs/error.log", encoding: .utf8)) ?? process.output
    }

    /// Stops nginx (fast shutdown) and waits for it.
    func stop() { process.stop(signal: SIGTERM) }

    deinit { stop() }
}
