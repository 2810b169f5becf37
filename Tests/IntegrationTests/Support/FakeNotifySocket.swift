import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A unix datagram socket standing in for systemd's `NOTIFY_SOCKET`: it collects every datagram
/// a service sends (`READY=1`, `STATUS=...`, `WATCHDOG=1`, `STOPPING=1`), in arrival order.
///
/// The socket file is world-writable so `greenroom serve` running as `nobody` can send to it.
final class FakeNotifySocket: @unchecked Sendable {
    /// The socket's path, for `NOTIFY_SOCKET`.
    let path: String
    private let descriptor: Int32
    private var received: [String] = []

    init(in directory: TemporaryDirectory) throws {
        path = directory.file("notify.sock")
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw HarnessError("bind \(path): \(String(cString: strerror(errno)))") }
        chmod(path, 0o777)
    }

    /// Every datagram received so far, oldest first (reads what is waiting without blocking).
    var messages: [String] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard count > 0 else { break }
            received.append(String(decoding: buffer[..<count], as: UTF8.self))
        }
        return received
    }

    deinit { close(descriptor) }
}
