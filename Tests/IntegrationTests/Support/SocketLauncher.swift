import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A stand-in for systemd's socket activation: a small launcher (python3) binds and listens on a
/// socket, then forks and execs `greenroom serve` with the socket as descriptor 3, `LISTEN_FDS=1`
/// and `LISTEN_PID` set to the child's own pid, exactly as systemd does. The launcher keeps the
/// socket, so it can stop one server and start the next on the same socket (a restart).
///
/// Control is by files in the scratch directory: `next` (SIGTERM the running server, start the
/// next generation at once), `stop` (SIGTERM it and exit). Generation `n` logs to `serve-n.log`.
final class SocketLauncher: @unchecked Sendable {
    /// What the launcher hands over.
    enum Kind: String {
        /// A listening TCP socket on 127.0.0.1.
        case loopback
        /// A listening TCP socket on 0.0.0.0.
        case wildcard
        /// A UDP socket on 127.0.0.1.
        case udp
        /// A TCP socket bound to 127.0.0.1 but not listening.
        case unlistened
    }

    let process: BackgroundProcess
    let scratch: TemporaryDirectory

    static let script = #"""
        import os, signal, socket, sys, time
        kind, port, control = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        argv = sys.argv[4:]
        if kind == "udp":
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0" if kind == "wildcard" else "127.0.0.1", port))
        if kind in ("loopback", "wildcard"):
            s.listen(512)
        def start(generation):
            log = os.open(os.path.join(control, "serve-%d.log" % generation), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            pid = os.fork()
            if pid == 0:
                copy = os.dup(s.fileno())
                os.dup2(copy, 3, inheritable=True)
                os.dup2(log, 1); os.dup2(log, 2)
                env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()), LISTEN_FDNAMES="greenroom.socket")
                os.execve(argv[0], argv, env)
            os.close(log)
            with open(os.path.join(control, "pid-%d" % generation), "w") as f:
                f.write(str(pid))
            return pid
        def finish(pid, generation):
            _, status = os.waitpid(pid, 0)
            with open(os.path.join(control, "exit-%d" % generation), "w") as f:
                f.write(str(os.waitstatus_to_exitcode(status)))
        generation = 1
        pid = start(generation)
        print("launched", flush=True)
        while True:
            if os.path.exists(os.path.join(control, "next")):
                os.unlink(os.path.join(control, "next"))
                os.kill(pid, signal.SIGTERM)
                old, pid = pid, start(generation + 1)
                finish(old, generation)
                generation += 1
            if os.path.exists(os.path.join(control, "stop")):
                os.kill(pid, signal.SIGTERM)
                finish(pid, generation)
                break
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                with open(os.path.join(control, "exit-%d" % generation), "w") as f:
                    f.write(str(os.waitstatus_to_exitcode(status)))
                break
            time.sleep(0.01)
        """#

    /// Starts the launcher with `serve arguments...` as generation 1.
    init(_ kind: Kind, port: UInt16, serveArguments: [String]) throws {
        let python = try TestEnvironment.requireProgram("python3", package: "python3")
        scratch = try TemporaryDirectory("greenroom-launch")
        chmod(scratch.path, 0o777)
        let script = try scratch.write("launcher.py", Self.script)
        let (executable, prefix) = try GreenroomBinary.unprivilegedCommand()
        process = try BackgroundProcess(
            name: "socket launcher",
            executable: python,
            arguments: [script, kind.rawValue, "\(port)", scratch.path, executable] + prefix + ["serve"]
                + serveArguments,
            logPath: scratch.file("launcher.log")
        )
    }

    /// What generation `n` printed so far.
    func serveOutput(_ generation: Int) -> String {
        (try? String(contentsOfFile: scratch.file("serve-\(generation).log"), encoding: .utf8)) ?? ""
    }

    /// Generation `n`'s exit status, once it exited.
    func exitStatus(_ generation: Int) -> Int32? {
        (try? String(contentsOfFile: scratch.file("exit-\(generation)"), encoding: .utf8)).flatMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Stops the running server and starts the next generation on the same socket.
    func restart() throws { try scratch.write("next", "") }

    /// Stops the running server and the launcher.
    func stop() {
        _ = try? scratch.write("stop", "")
        let deadline = ContinuousClock.now + .seconds(15)
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        process.stop()
    }

    deinit { stop() }
}
