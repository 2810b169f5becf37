import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A private network namespace (`ip netns add`) for tests that need a real network between an
/// app and a client without touching the host's: its own `lo`, its own ports, addresses only the
/// test gives it. Removed by ``remove()`` or, as a safety net, when released.
///
/// Names are `grtest-<pid>-<n><role>`: unique per run, and a later run removes namespaces left by
/// a run whose process no longer exists (a crash, a `kill -9`), with the processes still in them.
final class NetworkNamespace: @unchecked Sendable {
    /// The name `ip netns` knows it by.
    let name: String
    private let ip: String
    private let removed = Mutex(false)

    /// Every name starts with this, followed by the creating process's id.
    static let prefix = "grtest-"

    private static let counter = Atomic<Int>(0)
    private static let staleSweep = Mutex(false)

    private init(name: String, ip: String) {
        self.name = name
        self.ip = ip
    }

    /// `ip`, or a skip (locally) / failure (CI) when not root or iproute2 is missing.
    static func requirements(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        try TestEnvironment.requireRoot("ip netns add", sourceLocation: sourceLocation)
        return try TestEnvironment.requireProgram("ip", package: "iproute2", sourceLocation: sourceLocation)
    }

    /// Creates a namespace with `lo` up. `role` is one letter for messages and names (`a`, `c`).
    static func create(role: String) async throws -> NetworkNamespace {
        let ip = try requirements()
        await removeStale(ip: ip)
        let number = counter.add(1, ordering: .relaxed).newValue
        let namespace = NetworkNamespace(name: "\(prefix)\(getpid())-\(number)\(role)", ip: ip)
        try await namespace.ipCommand(["netns", "add", namespace.name])
        do {
            try await namespace.ipCommand(["-n", namespace.name, "link", "set", "lo", "up"])
        } catch {
            namespace.remove()
            throw error
        }
        return namespace
    }

    /// The command prefix that runs a program inside: `ip netns exec <name>`.
    var launcher: [String] { [ip, "netns", "exec", name] }

    /// Runs `executable arguments...` inside the namespace (as the tests' user).
    func run(
        _ executable: String,
        _ arguments: [String],
        timeout: Duration = .seconds(30)
    ) async throws -> ProcessResult {
        try await ProcessRunner.run(ip, ["netns", "exec", name, executable] + arguments, timeout: timeout)
    }

    /// Runs `ip arguments...` (on the host; use `-n name` to reach inside) and throws on failure.
    @discardableResult
    func ipCommand(_ arguments: [String]) async throws -> ProcessResult {
        let result = try await ProcessRunner.run(ip, arguments, timeout: .seconds(20))
        guard result.succeeded else { throw HarnessError("network setup failed: \(result)") }
        return result
    }

    /// Deletes the namespace (the veth ends inside go with it). Synchronous, for `defer`/`deinit`;
    /// processes still inside must have been stopped by their owners first.
    func remove() {
        let first = removed.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        Self.deleteBlocking(ip: ip, name: name)
    }

    deinit { remove() }

    /// Removes `grtest-<pid>-...` namespaces whose creating process is gone, killing (by pid) the
    /// processes a crashed run left inside them. Once per test process.
    static func removeStale(ip: String) async {
        let first = staleSweep.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first, let list = try? await ProcessRunner.run(ip, ["netns", "list"], timeout: .seconds(10)) else {
            return
        }
        for line in list.stdout.split(separator: "\n") {
            let name = String(line.split(separator: " ").first ?? "")
            guard name.hasPrefix(prefix),
                let owner = Int32(name.dropFirst(prefix.count).split(separator: "-").first ?? ""),
                owner != getpid(), kill(owner, 0) != 0, errno == ESRCH
            else { continue }
            let pids = (try? await ProcessRunner.run(ip, ["netns", "pids", name], timeout: .seconds(10)))?.stdout ?? ""
            for pid in pids.split(separator: "\n").compactMap({ Int32($0.trimmingCharacters(in: .whitespaces)) }) {
                kill(pid, SIGKILL)
            }
            print("note: removing network namespace \(name) left by an earlier run (pid \(owner))")
            deleteBlocking(ip: ip, name: name)
        }
    }

    /// `ip netns del name`, waited for without the cooperative thread pool.
    private static func deleteBlocking(ip: String, name: String) {
        guard let scratch = try? TemporaryDirectory("greenroom-netns"),
            let process = try? Subprocess(
                executable: ip,
                arguments: ["netns", "del", name],
                outputPath: scratch.file("out")
            )
        else { return }
        if process.waitBlocking(timeout: .seconds(10)) { process.kill(SIGKILL) }
        if process.exitStatus != 0 {
            print(
                "note: `ip netns del \(name)` failed: \((try? String(contentsOfFile: scratch.file("out"), encoding: .utf8)) ?? "")"
            )
        }
    }
}
