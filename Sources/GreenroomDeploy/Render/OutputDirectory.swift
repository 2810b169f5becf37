#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open directory that generated files are written into, reached without following a
/// symbolic link a local user could have planted.
///
/// `--out` itself is the operator's: a link in it is followed only when it belongs to the user
/// running `generate` or to root, and sits in a directory nobody else may write to (stricter than
/// the kernel's `fs.protected_symlinks`), so `/tmp/deploy-out` planted by someone else as a link to
/// `/etc` is refused. Below `--out` (`nginx/`, `systemd/10.0.0.11/`) no link is ever followed, and every
/// step is an `openat` with `O_NOFOLLOW` from the directory before it, so swapping a directory
/// for a link between a check and a write changes nothing.
final class OutputDirectory {
    /// The open directory (`O_DIRECTORY`).
    let descriptor: Int32
    /// The path shown in messages.
    let shown: String

    private init(descriptor: Int32, shown: String) {
        self.descriptor = descriptor
        self.shown = shown
    }

    deinit { close(descriptor) }

    /// The most links followed while resolving `--out` (the kernel's own limit).
    static let maximumLinks = 40

    /// Opens `path` (the `--out` directory), following only links owned by this user or root;
    /// creates missing directories (0755) when `create` is set, else returns `nil` for a missing one.
    static func open(_ path: String, create: Bool) throws(WriteError) -> OutputDirectory? {
        var current = try start(at: path.hasPrefix("/") ? "/" : ".", shown: path)
        var pending: [(name: Substring, shown: String)] = []
        var shownSoFar = path.hasPrefix("/") ? "" : "."
        for name in path.split(separator: "/") {
            shownSoFar = shownSoFar == "." ? String(name) : shownSoFar + "/" + name
            pending.append((name, shownSoFar))
        }
        pending.reverse()  // popped from the end
        var links = 0
        while let (name, shown) = pending.popLast() {
            if name.isEmpty || name == "." { continue }
            switch try current.step(into: String(name), shown: shown, create: create) {
            case .opened(let next):
                current = next
            case .missing:
                return nil
            case .link(let owner, let target):
                guard owner == geteuid() || owner == 0 else {
                    throw WriteError(
                        path: shown,
                        "is a symbolic link owned by uid \(owner)\(userName(owner).map { " (\($0))" } ?? ""), "
                            + "not by you or root; refusing to follow it (give --out the real directory)"
                    )
                }
                var directory = stat()
                guard fstat(current.descriptor, &directory) == 0 else {
                    throw WriteError(path: shown, "cannot be examined: \(errnoText())")
                }
                // A directory another user owns is theirs to change whatever its mode: they could
                // swap the link for one of their own between this check and its use.
                guard directory.st_uid == geteuid() || directory.st_uid == 0 else {
                    throw WriteError(
                        path: shown,
                        "is a symbolic link in a directory owned by uid \(directory.st_uid)"
                            + "\(userName(directory.st_uid).map { " (\($0))" } ?? ""), not by you or root; "
                            + "refusing to follow it (give --out the real directory)"
                    )
                }
                guard directory.st_mode & 0o022 == 0 else {
                    // Anyone who may write there could have put the link there (a hard link to
                    // one of root's links, with fs.protected_hardlinks off).
                    throw WriteError(
                        path: shown,
                        "is a symbolic link in a directory other users may write to; refusing to follow it "
                            + "(give --out the real directory)"
                    )
                }
                links += 1
                guard links <= maximumLinks else { throw WriteError(path: shown, "has too many levels of links") }
                if target.hasPrefix("/") { current = try start(at: "/", shown: shown) }
                for part in target.split(separator: "/").reversed() { pending.append((part, shown)) }
            }
        }
        return current
    }

    /// Opens the subdirectory `components` below this one, following no link at all.
    func subdirectory(_ components: [Substring], create: Bool) throws(WriteError) -> OutputDirectory? {
        var current = self
        for name in components where !name.isEmpty && name != "." {
            let shown = current.shown + "/" + name
            guard name != ".." else { throw WriteError(path: shown, "leaves the output directory") }
            switch try current.step(into: String(name), shown: shown, create: create) {
            case .opened(let next): current = next
            case .missing: return nil
            case .link:
                throw WriteError(
                    path: shown,
                    "is a symbolic link; nothing was written (generate never writes through a link below --out, "
                        + "even with --force: remove it, or give --out the real directory)"
                )
            }
        }
        return current
    }

    /// What is at a name in this directory, not following a link.
    enum Entry {
        case absent
        case link
        case directory
        /// A regular file and the permission bits a replacement keeps: never the set-id and
        /// sticky bits, nor write access for group and others (a file a local user planted with
        /// mode 0666 must not give them root's replacement to edit).
        case file(mode: mode_t)
        case other
    }

    /// What `name` is, without following a link.
    func entry(_ name: String) throws(WriteError) -> Entry {
        var info = stat()
        guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return .absent }
            throw WriteError(path: shown + "/" + name, "cannot be examined: \(errnoText())")
        }
        switch info.st_mode & S_IFMT {
        case S_IFLNK: return .link
        case S_IFDIR: return .directory
        case S_IFREG: return .file(mode: info.st_mode & 0o755)
        default: return .other
        }
    }

    /// The contents of the regular file `name` (never through a link, never blocking on a FIFO).
    func contents(of name: String) throws(WriteError) -> [UInt8] {
        let fd = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw WriteError(path: shown + "/" + name, "cannot be read: \(errnoText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw WriteError(path: shown + "/" + name, "is not a regular file; remove it")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw WriteError(path: shown + "/" + name, "cannot be read: \(errnoText())") }
            if count == 0 { return bytes }
            bytes += buffer[..<count]
        }
    }

    /// Writes `bytes` to a new temporary file here (`O_EXCL | O_NOFOLLOW`), flushes it and renames
    /// it over `name`. A link at `name` is replaced itself; its target is never opened.
    func replace(_ name: String, with bytes: [UInt8], mode: mode_t) throws(WriteError) {
        let shownName = shown + "/" + name
        let temporary = ".\(name).greenroom-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = openat(descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw WriteError(path: shownName, "cannot create a temporary file: \(errnoText())") }
        var failure: String? = nil
        var written = 0
        while failure == nil, written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { failure = errnoText() } else { written += count }
        }
        if failure == nil, fchmod(fd, mode) != 0 { failure = errnoText() }
        if failure == nil, fsync(fd) != 0 { failure = errnoText() }
        close(fd)
        if failure == nil, renameat(descriptor, temporary, descriptor, name) != 0 { failure = errnoText() }
        if let failure {
            unlinkat(descriptor, temporary, 0)
            throw WriteError(path: shownName, "cannot be written: \(failure)")
        }
        _ = fsync(descriptor)  // the rename itself; best effort
    }

    private enum Step {
        case opened(OutputDirectory)
        case missing
        case link(owner: uid_t, target: String)
    }

    private static func start(at path: String, shown: String) throws(WriteError) -> OutputDirectory {
        let fd = openDirectory(path)
        guard fd >= 0 else { throw WriteError(path: shown, "cannot open \(path): \(errnoText())") }
        return OutputDirectory(descriptor: fd, shown: path == "/" ? "" : ".")
    }

    /// Opens the directory `name` here without following a link; creates it when missing and asked.
    private func step(into name: String, shown: String, create: Bool) throws(WriteError) -> Step {
        while true {
            let fd = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if fd >= 0 { return .opened(OutputDirectory(descriptor: fd, shown: shown)) }
            switch errno {
            case ENOENT:
                guard create else { return .missing }
                if mkdirat(descriptor, name, 0o755) != 0 && errno != EEXIST {
                    throw WriteError(path: shown, "cannot create the directory: \(errnoText())")
                }
            case ELOOP, ENOTDIR:
                var info = stat()
                guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                    throw WriteError(path: shown, "cannot be examined: \(errnoText())")
                }
                guard info.st_mode & S_IFMT == S_IFLNK else { throw WriteError(path: shown, "is not a directory") }
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let count = readlinkat(descriptor, name, &buffer, buffer.count - 1)
                guard count > 0 else { throw WriteError(path: shown, "cannot read the link: \(errnoText())") }
                let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                return .link(owner: info.st_uid, target: target)
            default:
                throw WriteError(path: shown, "cannot be opened: \(errnoText())")
            }
        }
    }

    private static func userName(_ uid: uid_t) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>? = nil
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, let found = result,
            let name = found.pointee.pw_name
        else { return nil }
        return String(cString: name)
    }
}

/// Opens the directory at `path` (following links: only `/` and `.` come here).
private func openDirectory(_ path: String) -> Int32 { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }

/// The text of the current `errno`.
func errnoText() -> String { String(cString: strerror(errno)) }
