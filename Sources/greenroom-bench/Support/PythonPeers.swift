import Foundation

/// The Python peers behind nginx: eventlet's `wsgi.server` and gunicorn with the eventlet worker
/// class, from a virtualenv with pinned versions that work together on Python 3.11.
extension Peers {
    /// The pinned packages: gunicorn 23 supports eventlet >= 0.24.1 except 0.36.0.
    static let pythonPackages = ["eventlet==0.41.3", "gunicorn==23.0.0"]

    /// The virtualenv's python with ``pythonPackages`` installed, creating it on first use.
    static func pythonPeersVenv(_ venv: String) throws -> String {
        let python = venv + "/bin/python"
        let check =
            "import eventlet, gunicorn; assert eventlet.__version__ == '0.41.3' and gunicorn.__version__ == '23.0.0'"
        if FileManager.default.fileExists(atPath: python), (try? ChildProcess.run(python, ["-c", check]).status) == 0 {
            return python
        }
        let created = try ChildProcess.run("/usr/bin/env", ["python3", "-m", "venv", venv])
        guard created.status == 0 else { throw BenchError("python3 -m venv failed: \(created.output)") }
        let pip = try ChildProcess.run(venv + "/bin/pip", ["install", "--quiet"] + pythonPackages)
        guard pip.status == 0 else { throw BenchError("pip install \(pythonPackages) failed: \(pip.output)") }
        return python
    }

    /// The versions installed in the virtualenv, e.g. `eventlet 0.41.3, gunicorn 23.0.0, greenlet 3.2.4`.
    static func pythonVersions(python: String) -> String {
        let script =
            "import eventlet, gunicorn, greenlet, sys; print(f'Python {sys.version.split()[0]}, eventlet {eventlet.__version__}, gunicorn {gunicorn.__version__}, greenlet {greenlet.__version__}')"
        return
            (try? ChildProcess.run(python, ["-W", "ignore", "-c", script]).output.trimmingCharacters(
                in: .whitespacesAndNewlines
            )) ?? "?"
    }

    /// The hello-world WSGI app both Python peers serve.
    func writeWSGIApp() throws {
        let app = """
            BODY = b"Hello, World!"

            def app(environ, start_response):
                start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))])
                return [BODY]
            """
        try app.write(toFile: directory + "/wsgiapp.py", atomically: true, encoding: .utf8)
    }

    /// gunicorn with the eventlet worker class: `workers` processes, keep-alive as long as the
    /// nginx upstream's.
    func gunicorn(port: Int, venv: String, workers: Int) throws -> ChildProcess {
        try writeWSGIApp()
        let arguments = [
            "-k", "eventlet", "-w", "\(workers)", "--worker-connections", "10000", "--keep-alive", "75",
            "--backlog", "4096", "-b", "127.0.0.1:\(port)", "--chdir", directory, "--log-level", "warning",
            "wsgiapp:app",
        ]
        return try ChildProcess(
            name: "gunicorn-\(port)",
            executable: venv + "/bin/gunicorn",
            arguments: arguments,
            directory: directory
        )
    }
}
