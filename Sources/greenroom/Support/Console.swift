#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered line output to stdout and stderr (a line is on its way when the call returns).
enum Console {
    /// Writes `line` and a newline to standard output.
    static func out(_ line: String) { write(fd: 1, line + "\n") }

    /// Writes `line` and a newline to standard error.
    static func error(_ line: String) { write(fd: 2, line + "\n") }

    /// Writes all of `text` to `fd`, retrying short writes and EINTR.
    static func write(fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                #if canImport(Darwin)
                let written = Darwin.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                #elseif canImport(Musl)
                let written = Musl.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                #else
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                #endif
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
