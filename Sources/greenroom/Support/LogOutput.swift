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

    private let fd: Int32
    private let buffer = Mutex<[UInt8]>([])
    private static let threshold = 32 * 1024

    init(fd: Int32) {
        self.fd = fd
    }

    /// Appends a line (a newline is added).
    func append(_ line: String) {
        let full: [UInt8]? = buffer.withLock { buffer in
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
            guard buffer.count >= Self.threshold else { return nil }
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if let full { write(full) }
    }

    /// Writes what is buffered.
    func flush() {
        let pending: [UInt8] = buffer.withLock { buffer in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if !pending.isEmpty { write(pending) }
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

    private func write(_ bytes: [UInt8]) {
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
