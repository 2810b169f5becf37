import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` in its own process group, reaped by us.
///
/// Foundation's `Process` reaps children on a dispatch queue and `waitUntilExit` spins a run
/// loop; with daemons that fork workers this starved the reaper on a two-core machine and left
/// zombies and orphaned workers. Here every wait is a `waitpid(WNOHANG)` poll with a deadline,
/// and ``kill(_:)`` can reach the whole group (a daemon and the workers it forked).
final class Subprocess: Sendable {
    /// The process id, which is also its process group id.
    let pid: pid_t
    /// The command line, for messages.
    let command: String
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`; standard input is /dev/null, standard output and
    /// standard error are appended to `outputPath` (and `errorPath` when given).
    init(
        executable: String,
        arguments: [String],
        environment: [String: String]? = nil,
        currentDirectory: String? = nil,
        outputPath: String,
        errorPath: String? = nil
    ) throws {
        command = ([executable] + arguments).joined(separator: " ")
        // posix_spawn has no portable chdir action: `env --chdir` changes directory, then execs.
        var executable = executable
        var arguments = arguments
        if let currentDirectory {
            arguments = ["--chdir=\(currentDirectory)", executable] + arguments
            executable = "/usr/bin/env"
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let errorPath {
            posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // Nothing else of ours: NIO's sockets are not close-on-exec, so a daemon started while an
        // in-process test server runs would keep that server's connections open after it closed
        // them (its clients then wait for an end of stream that never comes) and hold its port.
        _ = Self.closeFrom?(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(
            &attributes,
            Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        )

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let environmentList =
            (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for entry in environmentList { free(entry) } }

        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, environmentList)
        guard result == 0 else {
            throw HarnessError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), looked up at run
    /// time because Swift's Glibc module does not declare it.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFrom: CloseFrom? = {
        let name = "posix_spawn_file_actions_addclosefrom_np"
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    /// The exit status (128 + signal when killed), or `nil` while it runs. Reaps it when it has exited.
    var exitStatus: Int32? {
        status.withLock { known in
            if let known { return known }
            var raw: Int32 = 0
            let reaped = waitpid(pid, &raw, WNOHANG)
            guard reaped == pid else { return nil }
            let signal = raw & 0x7F
            known = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
            return known
        }
    }

    /// `true` until it has exited.
    var isRunning: Bool { exitStatus == nil }

    /// Sends `signal` to the process, or to its whole group (its forked workers too).
    func kill(_ signal: Int32, group: Bool = false) {
        guard group || isRunning else { return }
        _ = Glibc.kill(group ? -pid : pid, signal)
    }

    /// Waits (asynchronously) until it exits; `true` when `timeout` passed first.
    func wait(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            if ContinuousClock.now >= deadline { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Waits (blocking the thread, for `deinit`/`defer`) until it exits; `true` on timeout.
    func waitBlocking(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            if ContinuousClock.now >= deadline { return true }
            usleep(5_000)
        }
        return false
    }

    /// Sends `signal`, waits up to `grace`, then kills the whole group; also kills any workers
    /// left in the group. Returns the exit status.
    @discardableResult
    func terminate(signal: Int32 = SIGTERM, grace: Duration = .seconds(10)) -> Int32 {
        kill(signal)
        if waitBlocking(timeout: grace) {
            kill(SIGKILL, group: true)
            _ = waitBlocking(timeout: .seconds(5))
        }
        kill(SIGKILL, group: true)  // orphaned workers, if any
        return exitStatus ?? -1
    }
}
