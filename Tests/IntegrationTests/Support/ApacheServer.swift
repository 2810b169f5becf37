import Foundation
import Testing

/// A private Apache httpd: its own ServerRoot, pid file, mutex and logs in a temporary directory,
/// only the modules a generated vhost asks for, in the foreground (`-DFOREGROUND`).
final class ApacheServer: @unchecked Sendable {
    /// The ServerRoot.
    let root: String
    /// The running parent process.
    let process: BackgroundProcess

    private init(root: String, process: BackgroundProcess) {
        self.root = root
        self.process = process
    }

    static func executable() throws -> String { try TestEnvironment.requireProgram("apache2", package: "apache2") }

    static let modulesDirectory = "/usr/lib/apache2/modules"
    static let availableModules = "/etc/apache2/mods-available"

    /// The modules a generated vhost names in its `a2enmod ...` comment line.
    static func modules(requiredBy vhost: String) -> [String] {
        guard let line = vhost.split(separator: "\n").first(where: { $0.contains("a2enmod ") }) else { return [] }
        return line.components(separatedBy: "a2enmod ").last!.split(separator: " ").map(String.init)
    }

    /// `LoadModule` lines for `modules` and what they depend on (Debian's `# Depends:` lines,
    /// as `a2enmod` reads them), always with the event MPM and authz_core.
    static func loadModuleLines(_ modules: [String]) -> [String] {
        var ordered: [String] = []
        func add(_ name: String) {
            guard !ordered.contains(name) else { return }
            let load = (try? String(contentsOfFile: "\(availableModules)/\(name).load", encoding: .utf8)) ?? ""
            for line in load.split(separator: "\n") where line.hasPrefix("# Depends:") {
                for dependency in line.dropFirst("# Depends:".count).split(separator: " ") { add(String(dependency)) }
            }
            ordered.append(name)
        }
        for name in ["mpm_event", "authz_core"] + modules { add(name) }
        return ordered.map { name in
            let load = (try? String(contentsOfFile: "\(availableModules)/\(name).load", encoding: .utf8)) ?? ""
            if let line = load.split(separator: "\n").first(where: { $0.hasPrefix("LoadModule") }) {
                return String(line)
            }
            return "LoadModule \(name)_module \(modulesDirectory)/mod_\(name).so"
        }
    }

    /// Writes `httpd.conf` into a ServerRoot under `directory` and returns its path.
    static func writeConfig(in directory: TemporaryDirectory, includes: [String], modules: [String]) throws -> String {
        let root = try directory.makeDirectory("apache")
        try directory.makeDirectory("apache/run")
        // mod_mime (a dependency of mod_ssl) insists on a types file; an empty one will do.
        try directory.write("apache/mime.types", "")
        let config = """
            ServerRoot \(root)
            ServerName localhost
            PidFile \(root)/httpd.pid
            ErrorLog \(root)/error.log
            LogLevel warn
            DefaultRuntimeDir \(root)/run
            Mutex file:\(root)/run default
            <IfModule mime_module>
                TypesConfig \(root)/mime.types
            </IfModule>
            \(TestEnvironment.isRoot ? "User nobody\nGroup nogroup" : "")
            \(loadModuleLines(modules).joined(separator: "\n"))
            \(includes.map { "Include \($0)" }.joined(separator: "\n"))

            """
        return try directory.write("apache/httpd.conf", config)
    }

    /// `apache2 -t` on a private configuration (the same check as `apache2ctl configtest`).
    static func test(
        in directory: TemporaryDirectory,
        includes: [String],
        modules: [String]
    ) async throws -> ProcessResult {
        let apache = try executable()
        let config = try writeConfig(in: directory, includes: includes, modules: modules)
        return try await ProcessRunner.run(
            apache,
            ["-t", "-d", directory.file("apache"), "-f", config],
            timeout: .seconds(30)
        )
    }

    /// Starts httpd and waits until every port in `ports` accepts connections.
    static func start(
        in directory: TemporaryDirectory,
        includes: [String],
        modules: [String],
        ports: [UInt16]
    ) async throws -> ApacheServer {
        let apache = try executable()
        let config = try writeConfig(in: directory, includes: includes, modules: modules)
        let root = directory.file("apache")
        let process = try BackgroundProcess(
            name: "apache2",
            executable: apache,
            arguments: ["-DFOREGROUND", "-d", root, "-f", config],
            logPath: "\(root)/stderr.log"
        )
        let server = ApacheServer(root: root, process: process)
        do {
            for port in ports { try await process.waitForPort(port) }
        } catch {
            server.stop()
            let log = server.errorLog + process.output
            if log.contains("Address already in use") { throw PortConflict(description: "apache2: \(log)") }
            throw HarnessError("\(error)\napache error log:\n\(log)")
        }
        return server
    }

    var errorLog: String { (try? String(contentsOfFile: "\(root)/error.log", encoding: .utf8)) ?? "" }

    func stop() { process.stop(signal: SIGTERM) }

    deinit { stop() }
}
