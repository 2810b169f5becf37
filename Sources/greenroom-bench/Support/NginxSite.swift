import Foundation

/// nginx in front of the load bench's backends: one site per backend, each written by
/// `greenroom generate nginx` from a spec, so every backend sits behind the same generated
/// configuration (upstream keepalive, timeouts, forwarding headers, security headers).
enum NginxSite {
    /// Where the spec for backend `name` is written.
    static func specPath(_ name: String, _ directory: String) -> String { "\(directory)/\(name).yml" }

    /// Writes a spec for an app called `name` on `appPort` behind nginx on `proxyPort`, runs
    /// `greenroom generate nginx` on it and returns the generated site's path.
    static func generate(
        name: String,
        appPort: Int,
        proxyPort: Int,
        greenroom: String,
        directory: String
    ) throws -> String {
        let spec = """
            # greenroom-bench: \(name) behind nginx. Only the name and the ports differ between backends.
            app:
              name: \(name)
              listen: {host: 127.0.0.1, port: \(appPort)}
              limits:
                max_connections: 25000
            proxy:
              kind: nginx
              server_names: [localhost]
              listen:
                http: ["127.0.0.1:\(proxyPort)"]
            """
        let path = specPath(name, directory)
        try spec.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        let out = "\(directory)/site-\(name)"
        let result = try ChildProcess.run(greenroom, ["generate", "nginx", "--config", path, "--out", out])
        guard result.status == 0 else { throw BenchError("greenroom generate nginx failed: \(result.output)") }
        let site = "\(out)/\(name).conf"
        guard FileManager.default.fileExists(atPath: site) else { throw BenchError("no \(site): \(result.output)") }
        return site
    }

    /// Starts nginx with the generated `sites` and, on `ceilingPort`, a server answering
    /// `return 200` itself.
    static func start(sites: [String], ceilingPort: Int?, workers: Int, directory: String) throws -> ChildProcess {
        let prefix = "\(directory)/nginx"
        try FileManager.default.createDirectory(atPath: prefix + "/logs", withIntermediateDirectories: true)
        let ceiling = ceilingPort.map {
            "    server {\n        listen 127.0.0.1:\($0);\n        location / { return 200 \"Hello, World!\"; }\n    }"
        }
        let config = """
            worker_processes \(workers);
            worker_rlimit_nofile 30000;
            daemon off;
            master_process on;
            pid \(prefix)/nginx.pid;
            error_log \(prefix)/logs/error.log;
            events { worker_connections 25000; }
            http {
                access_log off;
                keepalive_requests 1000000;
                client_body_temp_path \(prefix)/body;
                proxy_temp_path \(prefix)/proxy;
            \(sites.map { "    include \($0);" }.joined(separator: "\n"))
            \(ceiling ?? "")
            }
            """
        try config.write(toFile: prefix + "/nginx.conf", atomically: true, encoding: .utf8)
        let test = try ChildProcess.run("/usr/sbin/nginx", ["-t", "-q", "-p", prefix, "-c", prefix + "/nginx.conf"])
        guard test.status == 0 else { throw BenchError("nginx -t failed: \(test.output)") }
        return try ChildProcess(
            name: "nginx",
            executable: "/usr/sbin/nginx",
            arguments: ["-p", prefix, "-c", prefix + "/nginx.conf"],
            directory: directory
        )
    }

    /// Fails unless `GET /` on the port answers `200 Hello, World!`.
    static func expectHello(port: Int, backend: String) throws {
        let result = try ChildProcess.run(
            "/usr/bin/curl",
            ["-s", "-o", "-", "-w", " %{http_code}", "--max-time", "5", "http://127.0.0.1:\(port)/"]
        )
        guard result.output.hasPrefix("Hello, World!"), result.output.hasSuffix(" 200") else {
            throw BenchError("\(backend) does not answer 200 Hello, World!: \(result.output)")
        }
    }

    /// `nginx version: nginx/1.22.1`.
    static func nginxVersion() -> String {
        ((try? ChildProcess.run("/usr/sbin/nginx", ["-v"]).output) ?? "nginx ?").trimmingCharacters(
            in: .whitespacesAndNewlines
        )
    }
}
