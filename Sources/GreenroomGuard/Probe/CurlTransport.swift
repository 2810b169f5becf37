import GreenroomCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The probe's HTTP client: curl(1), started with `posix_spawn` and reaped, with its output in a
/// private temporary directory.
///
/// curl rather than an HTTP stack of our own: it speaks HTTP/1.1 and HTTP/2 over TLS to any proxy
/// the way browsers do, and it is on every machine that runs nginx or httpd. Environment proxies
/// are ignored (`--noproxy '*'`): the probe must reach the reverse proxy itself.
package struct CurlTransport: ProbeTransport {
    /// The curl executable.
    package var executable: String

    /// Finds curl on `PATH` (and in `/usr/bin`, `/usr/local/bin`).
    ///
    /// - Throws: ``ProbeError`` when it is not installed.
    package init() throws(ProbeError) {
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        for directory in path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin"] {
            let candidate = "\(directory)/curl"
            if access(candidate, X_OK) == 0 {
                executable = candidate
                return
            }
        }
        throw ProbeError("--probe-url needs curl(1), which is not installed (apt-get install curl)")
    }

    /// Uses the curl at `executable`.
    package init(executable: String) { self.executable = executable }

    package func get(
        _ url: String,
        headers: [(name: String, value: String)],
        timeout: Duration
    ) throws(ProbeError) -> ProbeResponse {
        var template = Array("/tmp/greenroom-probe-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ProbeError("cannot create a temporary directory for the probe")
        }
        let directory = String(cString: made)
        let files = ["headers", "body", "out", "err"].map { "\(directory)/\($0)" }
        defer {
            for file in files { unlink(file) }
            rmdir(directory)
        }
        let seconds = max(1, timeout.components.seconds)
        var arguments = [
            executable, "--silent", "--show-error", "--insecure", "--noproxy", "*", "--max-time", "\(seconds)",
            "--dump-header", files[0], "--output", files[1], "--write-out", "%{http_code}",
        ]
        for header in headers { arguments += ["--header", "\(header.name): \(header.value)"] }
        arguments += ["--", url]
        let status = try run(arguments, stdout: files[2], stderr: files[3], deadline: timeout + .seconds(5))
        guard status == 0 else {
            let error =
                LocalSystem().readText(files[3]).map { $0.split(separator: "\n").last.map(String.init) ?? "" } ?? ""
            throw ProbeError(error.isEmpty ? "curl exited with status \(status)" : error)
        }
        let code = Int(LocalSystem().readText(files[2])?.trimmingWhitespace ?? "") ?? 0
        let rawHeaders = LocalSystem().readText(files[0]) ?? ""
        let block = rawHeaders.split(separator: "\r\n\r\n", omittingEmptySubsequences: true).last ?? ""
        let parsed: [(name: String, value: String)] = block.split(separator: "\r\n").dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingWhitespace)
        }
        return ProbeResponse(status: code, headers: parsed, body: LocalSystem().readText(files[1]) ?? "")
    }

    /// Runs `arguments` with its output in files; kills it at `deadline`. Returns the exit status.
    private func run(
        _ arguments: [String],
        stdout: String,
        stderr: String,
        deadline: Duration
    ) throws(ProbeError) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, &argv, environ)
        guard spawned == 0 else { throw ProbeError("cannot run \(executable): \(String(cString: strerror(spawned)))") }
        let end = ContinuousClock.now + deadline
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR {
                throw ProbeError("lost track of curl: \(String(cString: strerror(errno)))")
            }
            if ContinuousClock.now >= end {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw ProbeError("curl did not finish within \(deadline)")
            }
            usleep(10_000)
        }
        // Exited normally: its status; killed by a signal: 128 + the signal, like a shell.
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
