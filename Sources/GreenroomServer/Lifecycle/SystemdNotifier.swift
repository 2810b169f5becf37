#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends `sd_notify(3)` state lines to the service manager: one datagram to the unix socket named
/// by `NOTIFY_SOCKET`, without libsystemd.
///
/// `NOTIFY_SOCKET` is a path (`/run/systemd/notify`) or, starting with `@`, a Linux abstract
/// socket name (the `@` becomes a leading NUL byte). Without the variable every call does nothing,
/// so a server started by hand or by a `Type=exec` unit is unaffected.
///
/// ```swift
/// let notifier = SystemdNotifier.fromEnvironment()
/// notifier?.send("READY=1\nSTATUS=serving on http://127.0.0.1:8000")
/// ```
public struct SystemdNotifier: Sendable {
    /// The socket's address as given: a path, or `@name` for an abstract socket.
    public let socketAddress: String

    /// A notifier for `socketAddress`; `nil` when it is empty, not absolute nor abstract, or too
    /// long for a unix socket address.
    public init?(socketAddress: String) {
        let length = socketAddress.utf8.count
        guard length > 1, socketAddress.hasPrefix("/") || socketAddress.hasPrefix("@"),
            length < MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        else { return nil }
        self.socketAddress = socketAddress
    }

    /// The notifier `NOTIFY_SOCKET` names, or `nil` when it is not set (or not usable).
    public static func fromEnvironment() -> SystemdNotifier? {
        guard let value = getenv("NOTIFY_SOCKET") else { return nil }
        return SystemdNotifier(socketAddress: String(cString: value))
    }

    /// Sends `state` (newline-separated `KEY=value` lines) as one datagram.
    ///
    /// - Returns: `0` when sent, else the `errno` of the failure (the manager may be gone; the
    ///   server carries on either way).
    @discardableResult
    public func send(_ state: String) -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return errno }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var nameBytes = Array(socketAddress.utf8)
        if nameBytes.first == UInt8(ascii: "@") { nameBytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in nameBytes.enumerated() { raw[index] = byte }
        }
        // Abstract names are exactly as long as given (no trailing NUL); paths may carry one.
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        let length = socklen_t(pathOffset + nameBytes.count + (nameBytes.first == 0 ? 0 : 1))
        let bytes = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { buffer in
                    sendto(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), socketAddress, length)
                }
            }
        }
        return sent == bytes.count ? 0 : errno
    }
}

extension SystemdNotifier {
    /// How often to send `WATCHDOG=1`: half of `WATCHDOG_USEC`, as `sd_watchdog_enabled(3)`
    /// advises; `nil` when the variable is unset, not a positive number, or `WATCHDOG_PID` names
    /// another process.
    public static func watchdogInterval(
        microseconds: String?,
        watchdogPID: String?,
        ownPID: Int32 = getpid()
    ) -> Duration? {
        guard let microseconds, let value = UInt64(microseconds), value > 0 else { return nil }
        if let watchdogPID, Int32(watchdogPID) != ownPID { return nil }
        return .microseconds(value / 2)
    }

    /// ``watchdogInterval(microseconds:watchdogPID:ownPID:)`` from `WATCHDOG_USEC` and `WATCHDOG_PID`.
    public static func watchdogIntervalFromEnvironment() -> Duration? {
        watchdogInterval(
            microseconds: getenv("WATCHDOG_USEC").map { String(cString: $0) },
            watchdogPID: getenv("WATCHDOG_PID").map { String(cString: $0) }
        )
    }
}
