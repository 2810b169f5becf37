import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered, thread-safe log sink on a file descriptor.
///
/// Log lines are appended to a buffer under a lock and written in batches: when the buffer
/// passes 32 KiB, and by a flusher thread every 100 ms. One `write(2)` for many access-log
/// lines keeps logging off the request path's syscall budget.
final class LogOutput: Sendable {
    /// Standard error, shared by every logger of the process.
    static let standardError = LogOutput(fd: 2)

    /// The descriptor written to; ``reopen()`` replaces it (a file's, never standard error's).
    private let descriptor: Mutex<Int32>
    /// The file ``reopen()`` opens again, when the output is a file.
    private let path: String?
    private let buffer = Mutex<[UInt8]>([])
    private static let threshold = 32 * 1024

    init(fd: Int32) {
        self.descriptor = Mutex(fd)
        self.path = nil
    }

    /// Appends to the file at `path`, opened by ``LogFile/open(_:)`` (refusing planted files).
    init(file path: String) throws(LogFile.Refusal) {
        self.descriptor = Mutex(try LogFile.open(path))
        self.path = path
    }

    /// Opens the file's path again: after logrotate has moved the file away, the lines logged
    /// before go to the moved file and the lines after to a new one, none lost. Does nothing for a
    /// descriptor that is not a file; throws, keeping the old file, when the path is refused.
    func reopen() throws(LogFile.Refusal) {
        guard let path else { return }
        let fresh = try LogFile.open(path)
        descriptor.withLock { current in
            Self.write(takeBuffered(), to: current)
            close(current)
            current = fresh
        }
    }

    /// Appends a line (a newline is added).
    func append(_ line: String) {
        let full = buffer.withLock { buffer in
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
            return buffer.count >= Self.threshold
        }
        if full { flush() }
    }

    /// Writes what is buffered. The buffer is taken and written while the descriptor is held, so
    /// lines reach the file in order and never a descriptor ``reopen()`` has closed.
    func flush() {
        descriptor.withLock { fd in Self.write(takeBuffered(), to: fd) }
    }

    private func takeBuffered() -> [UInt8] {
        buffer.withLock { buffer in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
    }

    /// Starts a detached thread that flushes every 100 ms for the life of the process.
    func startFlushing() {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        #if canImport(Darwin)
        typealias Argument = UnsafeMutableRawPointer
        #else
        typealias Argument = UnsafeMutableRawPointer?
        #endif
        let started = pthread_create(
            &thread,
            nil,
            { (argument: Argument) in
                let output = Unmanaged<LogOutput>.fromOpaque(UnsafeRawPointer(argument)!).takeUnretainedValue()
                while true {
                    usleep(100_000)
                    output.flush()
                }
            },
            context
        )
        if started == 0 { pthread_detach(thread) }
    }

    /// Writes `bytes` whole to `fd`.
    private static func write(_ bytes: [UInt8], to fd: Int32) {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Darwin)
    Darwin.write(fd, pointer, count)
    #elseif canImport(Musl)
    Musl.write(fd, pointer, count)
    #else
    Glibc.write(fd, pointer, count)
    #endif
}
