#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What is at a path, following symbolic links, with `stat(2)`'s reason when nothing is.
package enum FileKind: Equatable, Sendable {
    /// A regular file (or anything that is not a directory: a FIFO, a device).
    case file
    /// A directory.
    case directory
    /// Nothing can be reached there; `reason` is the C library's text (`No such file or directory`).
    case unreachable(reason: String)

    /// Looks at `path`.
    package init(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            self = .unreachable(reason: String(cString: strerror(errno)))
            return
        }
        self = (status.st_mode & S_IFMT) == S_IFDIR ? .directory : .file
    }
}
