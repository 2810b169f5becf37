import Foundation

/// Starts the servers a load bench compares, each on its own loopback port.
struct Peers {
    let directory: String

    /// nginx with one worker answering `return 200 "Hello, World!"`.
    func nginx(port: Int) throws -> ChildProcess {
        let config = """
            worker_processes 1;
            worker_rlimit_nofile 30000;
            daemon off;
            master_process on;
            pid \(directory)/nginx.pid;
            error_log \(directory)/nginx-error.log;
            events { worker_connections 25000; }
            http {
                access_log off;
                keepalive_requests 1000000;
                keepalive_timeout 300s;
                client_body_temp_path \(directory)/nginx-body;
                server {
                    listen 127.0.0.1:\(port);
                    location / { return 200 "Hello, World!"; }
                }
            }
            """
        try config.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        return try ChildProcess(
            name: "nginx",
            executable: "/usr/sbin/nginx",
            arguments: ["-c", directory + "/nginx.conf", "-p", directory],
            directory: directory
        )
    }

    /// The raw SwiftNIO `NIOHTTP1` hello server (`greenroom-bench raw-nio`): this binary, run again.
    func rawNIO(port: Int) throws -> ChildProcess {
        let me =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return try ChildProcess(
            name: "raw-nio",
            executable: me,
            arguments: ["raw-nio", "--port", "\(port)"],
            directory: directory
        )
    }

    /// eventlet's `wsgi.server` with a hello-world WSGI app, from a cached virtualenv.
    func eventlet(port: Int, venv: String) throws -> ChildProcess {
        let python = try Self.eventletPython(venv: venv)
        let script = """
            import sys, warnings
            warnings.simplefilter("ignore")
            import eventlet
            from eventlet import wsgi

            BODY = b"Hello, World!"

            def app(environ, start_response):
                start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))])
                return [BODY]

            wsgi.server(eventlet.listen(("127.0.0.1", int(sys.argv[1])), backlog=4096), app,
                        log_output=False, max_size=int(sys.argv[2]), keepalive=True)
            """
        try script.write(toFile: directory + "/eventlet_app.py", atomically: true, encoding: .utf8)
        return try ChildProcess(
            name: "eventlet",
            executable: python,
            arguments: [directory + "/eventlet_app.py", "\(port)", "30000"],
            directory: directory
        )
    }

    /// `greenroom serve` from a copy of the binary in a world-readable directory, run as
    /// `nobody` when the bench runs as root (serve refuses root).
    func greenroom(binary: String, port: Int, extra: [String], name: String) throws -> ChildProcess {
        let copy = directory + "/greenroom"
        if !FileManager.default.fileExists(atPath: copy) {
            try FileManager.default.copyItem(atPath: binary, toPath: copy)
            chmod(copy, 0o755)
            chmod(directory, 0o755)
        }
        let serve = [copy, "serve", "--port", "\(port)", "--idle-timeout", "600", "--max-connections", "25000"] + extra
        if geteuid() == 0 {
            return try ChildProcess(
                name: name,
                executable: "/usr/bin/setpriv",
                arguments: ["--reuid=65534", "--regid=65534", "--clear-groups"] + serve,
                directory: directory
            )
        }
        return try ChildProcess(name: name, executable: copy, arguments: Array(serve.dropFirst()), directory: directory)
    }

    /// The virtualenv's python, creating the venv and installing eventlet on first use.
    static func eventletPython(venv: String) throws -> String {
        let python = venv + "/bin/python"
        if FileManager.default.fileExists(atPath: python),
            (try? ChildProcess.run(python, ["-c", "import eventlet"]).status) == 0
        {
            return python
        }
        let system = try ChildProcess.run("/usr/bin/env", ["python3", "-m", "venv", venv])
        guard system.status == 0 else { throw BenchError("python3 -m venv failed: \(system.output)") }
        let pip = try ChildProcess.run(venv + "/bin/pip", ["install", "--quiet", "eventlet"])
        guard pip.status == 0 else { throw BenchError("pip install eventlet failed: \(pip.output)") }
        return python
    }
}
