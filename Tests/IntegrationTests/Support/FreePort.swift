import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Free loopback ports for test daemons.
///
/// The kernel picks an ephemeral port (bind to port 0), the socket is closed and the number is
/// handed to the daemon. Another process could take it in between, so starters retry with new
/// ports when a daemon reports "Address already in use" (see ``retryingOnPortConflict(attempts:_:)``).
/// Never a fixed port, never 0.0.0.0 (port 2024 on 0.0.0.0 belongs to the sandbox).
enum FreePort {
    /// A port that was free on `127.0.0.1` a moment ago.
    static func allocate() throws -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw HarnessError("bind: \(String(cString: strerror(errno)))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw HarnessError("getsockname: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// `count` distinct free ports.
    static func allocate(_ count: Int) throws -> [UInt16] {
        var ports: [UInt16] = []
        while ports.count < count {
            let port = try allocate()
            if !ports.contains(port) { ports.append(port) }
        }
        return ports
    }

    /// `true` when something accepts TCP connections on `host:port`.
    static func isAccepting(host: String = "127.0.0.1", port: UInt16) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = port.bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    }

    /// `true` when something accepts connections on the unix socket at `path`.
    static func isAccepting(unixSocket path: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        } == 0
    }
}

/// A daemon could not bind a port that was free a moment earlier; start again with new ports.
struct PortConflict: Error, CustomStringConvertible {
    let description: String
}

/// Runs `body` up to `attempts` times while it throws ``PortConflict``.
func retryingOnPortConflict<T>(attempts: Int = 3, _ body: () async throws -> T) async throws -> T {
    var attempt = 1
    while true {
        do {
            return try await body()
        } catch let conflict as PortConflict where attempt < attempts {
            print("retrying with new ports: \(conflict)")
            attempt += 1
        }
    }
}

/// Waits until `condition` holds, checking every few milliseconds, or throws after `timeout`.
func waitUntil(
    _ what: @autoclosure () -> String,
    timeout: Duration = .seconds(10),
    _ condition: () throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        guard ContinuousClock.now < deadline else {
            throw HarnessError("timed out after \(timeout) waiting for \(what())")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
