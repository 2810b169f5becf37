#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Prepares the path of a unix-domain listening socket: removes a stale socket safely and
/// refuses anything else.
enum UnixSocketFile {
    /// What is at a path.
    enum Status: Equatable {
        /// Nothing: the socket can be created.
        case absent
        /// A socket nobody accepts on (left by a crashed process): safe to remove.
        case staleSocket
        /// A socket a process accepts on.
        case socketInUse
        /// A file, directory or link that is not a socket.
        case notASocket
    }

    /// Looks at `path` without following a final symlink.
    static func status(of path: String) -> Status {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .absent }
        guard info.st_mode & S_IFMT == S_IFSOCK else { return .notASocket }
        return acceptsConnections(path) ? .socketInUse : .staleSocket
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
                message: "unix socket \(path) is in use by another process; stop it or choose another --unix path"
            )
        case .notASocket:
            throw ServerStartError(
                message: "\(path) exists and is not a socket; refusing to replace it (choose another --unix path)"
            )
        }
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

    /// `true` when a connect to the socket at `path` succeeds.
    static func acceptsConnections(_ path: String) -> Bool {
        #if canImport(Darwin)
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #else
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }
}
