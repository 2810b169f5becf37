import Foundation

/// A child process of a bench: started with its output in a file, stopped with SIGTERM.
final class ChildProcess {
    let name: String
    let process = Process()
    let outputPath: String

    init(name: String, executable: String, arguments: [String], directory: String) throws {
        self.name = name
        self.outputPath = directory + "/\(name).log"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Resident set size in KiB, from /proc/<pid>/status (the process itself, not children).
    func residentKiB() -> Int? { Self.residentKiB(pid: pid) }

    static func residentKiB(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    /// The summed RSS of the process and its children (nginx master + worker), in KiB.
    func residentKiBWithChildren() -> Int? {
        guard var total = residentKiB() else { return nil }
        if let children = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) {
            for child in children.split(separator: " ").compactMap({ Int32($0) }) {
                total += Self.residentKiB(pid: child) ?? 0
            }
        }
        return total
    }

    /// CPU time (user + system) in clock ticks, of the process and, optionally, its children.
    func cpuTicks(includingChildren: Bool = false) -> Int? {
        guard var total = Self.cpuTicks(pid: pid) else { return nil }
        if includingChildren,
            let children = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)
        {
            for child in children.split(separator: " ").compactMap({ Int32($0) }) {
                total += Self.cpuTicks(pid: child) ?? 0
            }
        }
        return total
    }

    static func cpuTicks(pid: Int32) -> Int? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after "(comm)": state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// Clock ticks per second.
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// SIGTERM, SIGKILL after 5 s, then SIGKILL to what is left of its process group (the
    /// workers of a gunicorn master killed before it could stop them).
    ///
    /// Exit is read from /proc, not from `Process`: Foundation sometimes never reaps a child
    /// that dies while others are running, and `waitUntilExit()` then waits forever.
    func stop() {
        guard !Self.hasExited(pid) else { return }
        kill(pid, SIGTERM)
        if !Self.waitForExit(pid, seconds: 5) { kill(pid, SIGKILL) }
        kill(-pid, SIGKILL)
        _ = Self.waitForExit(pid, seconds: 2)
    }

    /// `true` once `pid` is gone or a zombie.
    static func hasExited(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[close...].dropFirst(2).first == "Z"
    }

    /// Waits up to `seconds` for ``hasExited(_:)``.
    static func waitForExit(_ pid: Int32, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !hasExited(pid) {
            if Date() >= deadline { return false }
            usleep(20_000)
        }
        return true
    }

    /// Runs a command to completion and returns its exit status and output.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Loopback helpers.
enum Loopback {
    /// A port that was free a moment ago.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until something accepts on 127.0.0.1:`port`, up to `timeout` seconds.
    static func waitUntilListening(port: Int, timeout: TimeInterval = 15) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            close(fd)
            if connected == 0 { return true }
            usleep(20_000)
        }
        return false
    }
}
