import Testing

@testable import GreenroomServer

#if canImport(Glibc)
import Glibc
#endif

/// What `serve --unix` may remove: only a socket that refuses connections.
@Suite struct UnixSocketFileTests {
    /// A unix stream socket bound at `path`, listening with `backlog` when given.
    static func socket(at path: String, listening backlog: Int32?) -> Int32 {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        if let backlog { #expect(listen(fd, backlog) == 0) }
        return fd
    }

    /// Connects to `path` without blocking; the descriptor, or -1.
    static func connectWithoutBlocking(_ path: String) -> Int32 {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result != 0 {
            close(fd)
            return -1
        }
        return fd
    }

    /// A live server whose accept queue is full answers EAGAIN, not ECONNREFUSED: it is in use.
    /// (A blocking probe would hang here until the server accepts.)
    @Test func aServerWithAFullAcceptQueueIsInUse() throws {
        let path = "/tmp/greenroom-socket-\(getpid())-full"
        unlink(path)
        let server = Self.socket(at: path, listening: 0)
        defer {
            close(server)
            unlink(path)
        }
        var queued: [Int32] = []
        defer { for fd in queued { close(fd) } }
        while queued.count < 16 {
            let fd = Self.connectWithoutBlocking(path)
            if fd < 0 { break }
            queued.append(fd)
        }
        #expect(Self.connectWithoutBlocking(path) < 0, "the accept queue is full")
        #expect(UnixSocketFile.status(of: path) == .socketInUse)
        #expect(throws: ServerStartError.self) { try UnixSocketFile.prepare(path: path) }
        var info = stat()
        #expect(lstat(path, &info) == 0, "the socket is still there")
    }

    /// A socket nobody listens on refuses connections: stale, removed.
    @Test func aSocketNobodyListensOnIsStaleAndRemoved() throws {
        let path = "/tmp/greenroom-socket-\(getpid())-stale"
        unlink(path)
        close(Self.socket(at: path, listening: nil))
        defer { unlink(path) }
        #expect(UnixSocketFile.status(of: path) == .staleSocket)
        try UnixSocketFile.prepare(path: path)
        #expect(UnixSocketFile.status(of: path) == .absent)
    }

    /// A symbolic link (to a socket, or dangling), a directory and a file are never removed.
    @Test func aPathThatIsNotASocketIsNeverRemoved() throws {
        let base = "/tmp/greenroom-socket-\(getpid())-other"
        let socketPath = base + ".sock"
        unlink(socketPath)
        close(Self.socket(at: socketPath, listening: nil))
        defer { unlink(socketPath) }
        let link = base + ".link"
        let dangling = base + ".dangling"
        let directory = base + ".dir"
        symlink(socketPath, link)
        symlink(base + ".nowhere", dangling)
        mkdir(directory, 0o700)
        defer {
            unlink(link)
            unlink(dangling)
            rmdir(directory)
        }
        for path in [link, dangling, directory] {
            #expect(UnixSocketFile.status(of: path) == .notASocket, "\(path)")
            #expect(throws: ServerStartError.self) { try UnixSocketFile.prepare(path: path) }
            var info = stat()
            #expect(lstat(path, &info) == 0, "\(path) is still there")
        }
        #expect(UnixSocketFile.status(of: socketPath) == .staleSocket, "the link's target is untouched")
    }

    /// A path too long for `sockaddr_un` cannot be probed (nor bound): refused, never removed.
    @Test func aPathTooLongToProbeIsRefusedAndKept() throws {
        let directory = "/tmp/greenroom-socket-\(getpid())-" + String(repeating: "d", count: 60)
        mkdir(directory, 0o700)
        let name = String(repeating: "s", count: 60)
        let path = directory + "/" + name
        #expect(path.utf8.count > 108)
        // Bound through /proc/self/fd/N, a short name for the long directory.
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY)
        #expect(directoryFD >= 0)
        close(Self.socket(at: "/proc/self/fd/\(directoryFD)/\(name)", listening: nil))
        close(directoryFD)
        defer {
            unlink(path)
            rmdir(directory)
        }
        #expect(UnixSocketFile.status(of: path) == .pathTooLong)
        #expect(throws: ServerStartError.self) { try UnixSocketFile.prepare(path: path) }
        var info = stat()
        #expect(lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK, "the socket is still there")
    }

    /// The socket's mode is set on the socket itself: a link swapped in at its path after bind
    /// (by someone who can write to the directory) is refused, and its target keeps its mode.
    @Test func theModeIsNeverSetThroughASymbolicLink() throws {
        let base = "/tmp/greenroom-socket-\(getpid())-mode"
        let target = base + ".target"
        let link = base + ".sock"
        let socketPath = base + ".real"
        unlink(link)
        unlink(socketPath)
        let file = open(target, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        #expect(file >= 0)
        close(file)
        symlink(target, link)
        close(Self.socket(at: socketPath, listening: 1))
        defer {
            unlink(target)
            unlink(link)
            unlink(socketPath)
        }

        #expect(throws: ServerStartError.self) { try UnixSocketFile.restrictMode(path: link) }
        var info = stat()
        #expect(stat(target, &info) == 0 && info.st_mode & 0o777 == 0o600, "the link's target keeps its mode")

        try UnixSocketFile.restrictMode(path: socketPath)
        #expect(lstat(socketPath, &info) == 0 && info.st_mode & 0o777 == 0o660, "a real socket gets 0660")
    }
}
