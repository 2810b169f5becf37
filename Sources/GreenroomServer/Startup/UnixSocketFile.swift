#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Prepares the path of a unix-domain listening socket: removes a stale socket safely and
/// refuses anything else.
///
/// Only a socket that refuses connections (`ECONNREFUSED`: nobody listens) is stale. Any other
/// answer means a server is alive: success, `EACCES`/`EPERM` (another user's socket whose mode
/// keeps us out), `EAGAIN` (its accept queue is full), `EPROTOTYPE` (a socket of another type).
/// Removing such a socket would move the proxy's traffic to this process, so it is refused with
/// the socket's owner. A path that is not a socket (file, directory, symbolic link) is never
/// removed.
enum UnixSocketFile {
    /// What is at a path.
    enum Status: Equatable {
        /// Nothing: the socket can be created.
        case absent
        /// A socket nobody accepts on (left by a crashed process): safe to remove.
        case staleSocket
        /// A socket a process accepts on, or that answered anything but "refused".
        case socketInUse
        /// A file, directory or link that is not a socket.
        case notASocket
        /// Longer than a `sockaddr_un` holds: it can be neither probed nor bound.
        case pathTooLong
    }

    /// What a connect to the socket said.
    enum Probe: Equatable {
        /// `ECONNREFUSED`: nobody listens.
        case refused
        /// Accepted, or any other error: someone is there.
        case answered
        /// `ENOENT`: removed meanwhile.
        case vanished
    }

    /// The bytes `sun_path` holds, including the terminating zero.
    static let maximumPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    /// Looks at `path` without following a final symlink.
    static func status(of path: String) -> Status {
        guard path.utf8.count < maximumPathBytes else { return .pathTooLong }
        var info = stat()
        guard lstat(path, &info) == 0 else { return .absent }
        guard info.st_mode & S_IFMT == S_IFSOCK else { return .notASocket }
        switch probe(path) {
        case .refused: return .staleSocket
        case .answered: return .socketInUse
        case .vanished: return .absent
        }
    }

    /// Removes a stale socket at `path`; throws for a live socket or a non-socket.
    static func prepare(path: String) throws(ServerStartError) {
        switch status(of: path) {
        case .absent:
            return
        case .staleSocket:
            if unlink(path) != 0 && errno != ENOENT {
                throw ServerStartError(message: "cannot remove stale unix socket \(path): \(errnoText())")
            }
        case .socketInUse:
            throw ServerStartError(
                message: "unix socket \(path) is in use by another process, \(ownerText(of: path)); "
                    + "stop it or choose another --unix path"
            )
        case .notASocket:
            throw ServerStartError(
                message: "\(path) exists and is not a socket; refusing to replace it (choose another --unix path)"
            )
        case .pathTooLong:
            throw ServerStartError(message: tooLongText(path))
        }
    }

    /// Sets mode 0660 on the socket at `path` without following a symbolic link: whoever can
    /// write to the socket's directory could otherwise swap in a link between `bind` and `chmod`
    /// and have this process change the mode of the link's target.
    static func restrictMode(path: String) throws(ServerStartError) {
        #if canImport(Darwin)
        guard fchmodat(AT_FDCWD, path, 0o660, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw ServerStartError(message: "cannot set mode 0660 on unix socket \(path): \(errnoText())")
        }
        #else
        // Linux cannot chmod a link's own inode: open the path itself (O_PATH, no follow), check
        // it is a socket, and change the inode the descriptor holds.
        let openPathOnly: Int32 = 0o10_000_000  // O_PATH, which Glibc's module map leaves out
        let fd = open(path, openPathOnly | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            throw ServerStartError(message: "cannot set mode 0660 on unix socket \(path): \(errnoText())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else {
            throw ServerStartError(
                message: "cannot set mode 0660 on unix socket \(path): it is no longer a socket (replaced meanwhile)"
            )
        }
        guard chmod("/proc/self/fd/\(fd)", 0o660) == 0 else {
            throw ServerStartError(message: "cannot set mode 0660 on unix socket \(path): \(errnoText())")
        }
        #endif
    }

    /// `unix socket path is N bytes; ...`: why a path is refused for its length.
    static func tooLongText(_ path: String) -> String {
        "unix socket path \(path) is \(path.utf8.count) bytes; the limit is \(maximumPathBytes - 1) "
            + "(choose a shorter --unix path)"
    }

    /// `owned by root (uid 0)`: the owner of the file at `path` (not following a final link),
    /// from `lstat`, with the user name when the user database has one.
    static func ownerText(of path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { return "owner unknown" }
        let uid = info.st_uid
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>? = nil
        var buffer = [CChar](repeating: 0, count: 4096)
        if getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, let found = result,
            let name = found.pointee.pw_name
        {
            return "owned by \(String(cString: name)) (uid \(uid))"
        }
        return "owned by uid \(uid)"
    }

    /// The device and inode of the socket at `path`, to recognise our own socket later.
    static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Removes the socket at `path` if it is still the one identified by `identity` (a newer
    /// server may have replaced it).
    static func remove(path: String, ifStill identity: (device: UInt64, inode: UInt64)) {
        guard let current = Self.identity(of: path), current == identity else { return }
        unlink(path)
    }

    /// Connects to the socket at `path` without blocking (a full accept queue answers `EAGAIN`
    /// instead of stalling start-up) and says what it answered. `path` must fit `sun_path`.
    static func probe(_ path: String) -> Probe {
        #if canImport(Darwin)
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        if fd >= 0 { _ = fcntl(fd, F_SETFL, O_NONBLOCK) }
        #else
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        #endif
        guard fd >= 0 else { return .answered }  // cannot tell: never call it stale
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < maximumPathBytes else { return .answered }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result == 0 { return .answered }
        switch errno {
        case ECONNREFUSED: return .refused
        case ENOENT: return .vanished
        default: return .answered
        }
    }
}
