#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens `serve --access-log-file PATH` for appending, refusing a file a local user could have
/// planted to make the server write where they want (or read what it writes).
///
/// The path is opened with `O_NOFOLLOW` (a symbolic link is refused, not followed) and created
/// with mode 0640 when missing; an existing file must be a regular file this process's user owns,
/// with one link (a hard link to another file is refused) and no write permission for others.
/// Every refusal names the path and says why.
enum LogFile {
    /// Why a path cannot be the access log.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    /// A descriptor open for appending to `path`.
    static func open(_ path: String) throws(Refusal) -> Int32 {
        let fd = systemOpen(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link" : String(cString: strerror(errno))
            throw Refusal(description: "--access-log-file \(path): cannot open it: \(reason)")
        }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            close(fd)
            throw Refusal(description: "--access-log-file \(path): cannot stat it")
        }
        var problem: String?
        if status.st_mode & S_IFMT != S_IFREG {
            problem = "it is not a regular file"
        } else if status.st_uid != geteuid() {
            problem = "it belongs to uid \(status.st_uid), not to this process's user (uid \(geteuid()))"
        } else if status.st_nlink != 1 {
            problem = "it has \(status.st_nlink) hard links"
        } else if status.st_mode & S_IWOTH != 0 {
            problem = "anyone may write to it (mode \(String(status.st_mode & 0o777, radix: 8)))"
        }
        if let problem {
            close(fd)
            throw Refusal(description: "--access-log-file \(path): refusing it: \(problem); remove it or fix it")
        }
        return fd
    }
}

private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    #if canImport(Darwin)
    Darwin.open(path, flags, mode)
    #elseif canImport(Musl)
    Musl.open(path, flags, mode)
    #else
    Glibc.open(path, flags, mode)
    #endif
}
