import GreenroomConfigParsing
import GreenroomCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The real file system, read through POSIX calls: `open`/`fstat`/`read`, glob(3), realpath(3).
///
/// Errors name the path and the reason in one line (`'/etc/nginx/x.conf' does not exist`). Only
/// regular files are read: a FIFO, socket or device is refused without blocking.
package struct LocalFileSystem: ConfigFileSystem {
    /// Creates the file system.
    package init() {}

    package func contents(ofFile path: String, limit: Int) throws(ConfigParseError) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; the fstat below refuses it.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw Self.error(errno, path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Self.error(errno, path) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            throw ConfigParseError(.isDirectory, "'\(path)' is a directory, not a file")
        case S_IFREG:
            break
        default:
            throw ConfigParseError(.unreadable, "'\(path)' is not a regular file")
        }
        if Int(info.st_size) > limit {
            throw ConfigParseError(
                .fileTooLarge,
                "'\(path)' is \(info.st_size) bytes, more than the \(limit) accepted"
            )
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while true {
            if filled == bytes.count {
                // The file may have grown since fstat; read on in chunks, up to the limit.
                if filled >= limit + 1 { break }
                bytes.append(contentsOf: repeatElement(0, count: min(65_536, limit + 1 - filled)))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw Self.error(errno, path)
            }
            if count == 0 { break }
            filled += count
        }
        if filled > limit {
            throw ConfigParseError(.fileTooLarge, "'\(path)' is more than the \(limit) bytes accepted")
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    package func kind(ofPath path: String) -> ConfigFileKind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    package func glob(_ pattern: String) throws(ConfigParseError) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        #if canImport(Glibc)
        let status = Glibc.glob(pattern, 0, nil, &matches)
        #else
        let status = Darwin.glob(pattern, 0, nil, &matches)
        #endif
        switch status {
        case 0:
            var paths: [String] = []
            for index in 0..<Int(matches.gl_pathc) {
                if let path = matches.gl_pathv[index] { paths.append(String(cString: path)) }
            }
            return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        case GLOB_NOMATCH:
            return []
        case GLOB_NOSPACE:
            throw ConfigParseError(.unreadable, "glob '\(pattern)' ran out of memory")
        default:
            throw ConfigParseError(.unreadable, "glob '\(pattern)' failed: a directory could not be read")
        }
    }

    package func canonicalPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return ConfigPath.normalize(path) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func error(_ code: Int32, _ path: String) -> ConfigParseError {
        switch code {
        case ENOENT, ENOTDIR: ConfigParseError(.fileNotFound, "'\(path)' does not exist")
        case EISDIR: ConfigParseError(.isDirectory, "'\(path)' is a directory, not a file")
        case EACCES, EPERM: ConfigParseError(.unreadable, "'\(path)' cannot be read: permission denied")
        default: ConfigParseError(.unreadable, "'\(path)' cannot be read: \(String(cString: strerror(code)))")
        }
    }
}
