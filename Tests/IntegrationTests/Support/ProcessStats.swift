import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What /proc says about a running process: CPU time and open descriptors.
enum ProcessStats {
    /// User plus system CPU seconds the process has used so far.
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // After "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU seconds the process uses while `body` runs.
    static func cpuSeconds(pid: Int32, during body: () async throws -> Void) async throws -> Double {
        let before = try cpuSeconds(pid: pid).orThrow("no /proc/\(pid)/stat")
        try await body()
        let after = try cpuSeconds(pid: pid).orThrow("no /proc/\(pid)/stat")
        return after - before
    }

    /// How many file descriptors the process has open.
    static func openDescriptors(pid: Int32) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }
}

extension Optional {
    /// The value, or a ``HarnessError`` with `message`.
    func orThrow(_ message: @autoclosure () -> String) throws -> Wrapped {
        guard let self else { throw HarnessError(message()) }
        return self
    }
}

extension ServeProcess {
    /// The TCP port of the start-up line (`--port 0` picks one).
    var port: UInt16 {
        get throws {
            try url.split(separator: ":").last.flatMap { UInt16($0) }.orThrow("no port in '\(url)'")
        }
    }

    /// Waits until the server prints `text` (its log goes to the same file as its output).
    func waitForOutput(_ text: String, timeout: Duration = .seconds(10)) async throws {
        try await process.waitUntil("printing '\(text)'", timeout: timeout) { output.contains(text) }
    }

    /// Sends SIGTERM and waits for the exit, without blocking a thread; returns the status and
    /// how long it took.
    func terminate(timeout: Duration) async throws -> (status: Int32, took: Duration) {
        let start = ContinuousClock.now
        kill(process.pid, SIGTERM)
        try await waitUntil("greenroom serve to exit after SIGTERM", timeout: timeout) { !process.isRunning }
        return (try process.exitStatus.orThrow("no exit status"), ContinuousClock.now - start)
    }
}
