public import GreenroomCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A listening socket the server did not bind itself: handed over by systemd socket activation
/// (`LISTEN_FDS`, `sd_listen_fds(3)`) or named with `serve --fd N`.
///
/// ``inspect(descriptor:)`` reads what the socket is (`getsockname`, `SO_TYPE`, `SO_ACCEPTCONN`),
/// so the start-up policy judges it exactly like an address the server would bind: a wildcard
/// socket handed over while a proxy is trusted is refused as a wildcard bind would be.
public struct InheritedListener: Sendable, Hashable {
    /// The descriptor.
    public let descriptor: CInt
    /// What the socket listens on, read from the socket itself.
    public let target: BindTarget

    /// The first descriptor systemd passes (`SD_LISTEN_FDS_START`).
    public static let firstSystemdDescriptor: CInt = 3

    /// Reads what `descriptor` listens on.
    ///
    /// - Throws: ``ServerStartError`` naming the descriptor when it is not open, not a socket, not
    ///   a stream socket, not listening, or neither TCP/IP nor a unix socket with a path.
    public static func inspect(descriptor: CInt) throws -> InheritedListener {
        func refuse(_ why: String) -> ServerStartError {
            ServerStartError(message: "inherited descriptor \(descriptor): \(why)")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw refuse("not open (\(errnoText()))") }
        guard status.st_mode & S_IFMT == S_IFSOCK else { throw refuse("not a socket") }
        guard let type = option(descriptor, SO_TYPE), type == Int32(SOCK_STREAM.rawValue) else {
            throw refuse("not a stream socket (a datagram socket cannot accept HTTP connections)")
        }
        guard let accepting = option(descriptor, SO_ACCEPTCONN), accepting == 1 else {
            throw refuse("not listening (call listen() on it, or use ListenStream= in the .socket unit)")
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw refuse("getsockname failed (\(errnoText()))") }
        guard let target = Self.target(storage) else {
            throw refuse("not a TCP/IP socket nor a unix socket with a path")
        }
        return InheritedListener(descriptor: descriptor, target: target)
    }

    /// The descriptors systemd passed this process, per `sd_listen_fds(3)`: `LISTEN_FDS` of them
    /// from 3, only when `LISTEN_PID` is this process. Unsets the variables (children must not
    /// take them as theirs) and marks the descriptors close-on-exec.
    ///
    /// - Throws: ``ServerStartError`` when `LISTEN_FDS` is not a number.
    public static func takeFromSystemd() throws -> [CInt] {
        defer {
            unsetenv("LISTEN_PID")
            unsetenv("LISTEN_FDS")
            unsetenv("LISTEN_FDNAMES")
        }
        guard let pidText = getenv("LISTEN_PID").map({ String(cString: $0) }),
            let countText = getenv("LISTEN_FDS").map({ String(cString: $0) })
        else { return [] }
        guard Int32(pidText) == getpid() else { return [] }
        guard let count = CInt(countText), count >= 0, count < 1024 else {
            throw ServerStartError(message: "LISTEN_FDS '\(countText)' is not a descriptor count")
        }
        let descriptors = (0..<count).map { firstSystemdDescriptor + $0 }
        for descriptor in descriptors {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
        return descriptors
    }

    private static func option(_ descriptor: CInt, _ name: CInt) -> CInt? {
        var value: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        return getsockopt(descriptor, SOL_SOCKET, name, &value, &length) == 0 ? value : nil
    }

    /// What `storage` names. `sockaddr_in` is family (2 bytes), port (2, network order), address (4);
    /// `sockaddr_in6` is family, port, flow info (4), address (16).
    private static func target(_ storage: sockaddr_storage) -> BindTarget? {
        var storage = storage
        func ip(port: Int, address: Range<Int>) -> BindTarget? {
            withUnsafeBytes(of: &storage) { raw -> BindTarget? in
                guard let ip = try? IPAddress(bytes: raw[address]) else { return nil }
                return .tcp(host: ip.description, port: Int(raw[port]) << 8 | Int(raw[port + 1]))
            }
        }
        switch CInt(storage.ss_family) {
        case AF_INET:
            return ip(port: 2, address: 4..<8)
        case AF_INET6:
            return ip(port: 2, address: 8..<24)
        case AF_UNIX:
            return withUnsafeBytes(of: &storage) { raw -> BindTarget? in
                let address = raw.load(as: sockaddr_un.self)
                let path = withUnsafeBytes(of: address.sun_path) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                return path.isEmpty ? nil : .unix(path: path)
            }
        default:
            return nil
        }
    }
}
