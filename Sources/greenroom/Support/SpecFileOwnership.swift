#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The check `serve --config` makes before it believes a spec, at start and on every SIGHUP: the
/// spec decides whom the server trusts, so a file another local user can change is a way to make
/// the server believe forged client addresses. Like sshd's `StrictModes`, it refuses a spec that
/// belongs to someone other than root or this process's user, that anyone may write to, or that
/// sits in a directory anyone may write to without the sticky bit (they could replace it).
enum SpecFileOwnership {
    /// The reason `path` cannot be trusted, or `nil` when it can (or does not exist: the spec
    /// loader reports that, naming the path).
    static func problem(with path: String) -> String? {
        var file = stat()
        guard stat(path, &file) == 0 else { return nil }
        let user = geteuid()
        if file.st_uid != 0 && file.st_uid != user {
            return "\(path) belongs to uid \(file.st_uid), neither root nor this process's user (uid \(user)), "
                + "and decides whom the server trusts; chown it to root"
        }
        if file.st_mode & S_IWOTH != 0 {
            return "anyone may write to \(path) (mode \(String(file.st_mode & 0o777, radix: 8))), which decides "
                + "whom the server trusts; chmod o-w it"
        }
        let directory = Self.directory(of: path)
        var parent = stat()
        if stat(directory, &parent) == 0, parent.st_mode & S_IWOTH != 0, parent.st_mode & S_ISVTX == 0 {
            return "anyone may replace \(path): its directory \(directory) is writable by anyone without the "
                + "sticky bit; move the spec to a directory only root can write (e.g. /etc/greenroom)"
        }
        return nil
    }

    /// The directory part of `path` (`.` for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }
}
