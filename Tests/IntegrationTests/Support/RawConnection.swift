import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP connection with byte-level control for fault tests: half a head, half a body,
/// reading a few bytes of a response then resetting, never reading at all.
///
/// Every call blocks its thread until a deadline (a non-blocking socket waited on with `poll`),
/// so run them off Swift's cooperative pool with ``onThread(_:)``. Not thread-safe: one thread
/// uses a connection at a time.
final class RawConnection: @unchecked Sendable {
    /// Why an operation on the connection did not complete.
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// The connect was refused (nothing listens) or reset before completing.
        case refused
        /// The peer reset the connection.
        case reset
        /// The peer closed the connection (end of stream) before the operation completed.
        case closed
        /// The deadline passed.
        case timedOut(String)

        var description: String {
            switch self {
            case .refused: "connection refused"
            case .reset: "connection reset by the server"
            case .closed: "connection closed by the server"
            case .timedOut(let what): "timed out \(what)"
            }
        }
    }

    private var descriptor: Int32
    /// Received bytes; those before ``consumed`` were read as responses.
    private var received: [UInt8] = []
    private var consumed = 0
    /// Received bytes not yet consumed as a response.
    var buffered: ArraySlice<UInt8> { received[consumed...] }
    /// `true` once the peer's end of stream was read.
    private(set) var sawEndOfStream = false

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close() }

    /// Connects to `127.0.0.1:port`.
    ///
    /// - Parameter tiny: small socket buffers and a small maximum segment size, so that a client
    ///   that does not read stalls the server's writes soon: loopback's large segments otherwise
    ///   let the server's kernel buffer grow to megabytes of unread responses.
    static func open(port: UInt16, timeout: Duration = .seconds(5), tiny: Bool = false) throws -> RawConnection {
        // Close-on-exec: a daemon another test spawns meanwhile must not inherit the socket and
        // keep the connection open after the test closed it.
        let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = socket(AF_INET, flags, 0)
        guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        let connection = RawConnection(descriptor: descriptor)
        if tiny {
            var size: Int32 = 8192
            var segment: Int32 = 536
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_MAXSEG, &segment, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result != 0 {
            guard errno == EINPROGRESS else { throw errno == ECONNREFUSED ? Failure.refused : connection.failure() }
            try connection.wait(for: Int16(POLLOUT), until: .now + timeout, "connecting to port \(port)")
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 { throw error == ECONNREFUSED || error == ECONNRESET ? Failure.refused : Failure.reset }
        }
        return connection
    }

    /// Sends all of `bytes`.
    func send(_ bytes: [UInt8], timeout: Duration = .seconds(5)) throws {
        let deadline = ContinuousClock.now + timeout
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                offset += written
            } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                try wait(for: Int16(POLLOUT), until: deadline, "sending (\(offset) of \(bytes.count) bytes sent)")
            } else {
                throw failure()
            }
        }
    }

    /// Sends `text` as UTF-8 (use `\r\n` line ends).
    func send(_ text: String, timeout: Duration = .seconds(5)) throws { try send(Array(text.utf8), timeout: timeout) }

    /// Reads what arrives next into ``buffered``: `false` at the end of stream.
    @discardableResult
    func receive(until deadline: ContinuousClock.Instant, _ what: @autoclosure () -> String = "reading") throws -> Bool
    {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                if consumed > 65536 {
                    received.removeFirst(consumed)
                    consumed = 0
                }
                received += chunk[0..<count]
                return true
            }
            if count == 0 {
                sawEndOfStream = true
                return false
            }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { throw failure() }
            try wait(for: Int16(POLLIN), until: deadline, what())
        }
    }

    /// Reads what has arrived without waiting: `true` when bytes came, `false` at the end of
    /// stream, `nil` when nothing is there yet.
    func receiveAvailable() throws -> Bool? {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, 0) > 0 else { return nil }
        return try receive(until: .now + .seconds(1))
    }

    /// Reads until at least `count` bytes are buffered; returns them (and removes them).
    func receive(atLeast count: Int, timeout: Duration = .seconds(5)) throws -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while buffered.count < count {
            guard try receive(until: deadline, "reading \(count) bytes") else { throw Failure.closed }
        }
        defer { discardBuffered() }
        return Array(buffered)
    }

    /// Forgets what was received and not consumed.
    func discardBuffered() {
        received.removeAll()
        consumed = 0
    }

    /// Reads one response (a `Content-Length` body; `HEAD` responses need `bodiless`).
    ///
    /// - Throws: ``Failure/closed`` or ``Failure/reset`` when the connection ended before a byte
    ///   of the response, ``IncompleteResponse`` when it ended in the middle of one.
    func readResponse(timeout: Duration = .seconds(5), bodiless: Bool = false) throws -> RawResponse {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let (response, consumed) = try RawResponse.parse(buffered, bodiless: bodiless) {
                self.consumed += consumed
                return response
            }
            let more: Bool
            do {
                more = try receive(until: deadline, "reading a response (\(buffered.count) bytes so far)")
            } catch Failure.reset where !buffered.isEmpty {
                throw IncompleteResponse(bytes: Array(buffered))
            }
            if !more {
                if buffered.isEmpty { throw Failure.closed }
                throw IncompleteResponse(bytes: Array(buffered))
            }
        }
    }

    /// Waits until the server closes or resets the connection, discarding what it sends.
    /// `true` when it did before `timeout`.
    func closesWithin(_ timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        do {
            while try receive(until: deadline, "waiting for the server to close") { discardBuffered() }
            return true
        } catch Failure.reset {
            return true
        } catch {
            return false
        }
    }

    /// Waits until the server ends the connection (a reset, or its end of stream) without
    /// reading what it sent; `true` when it did before `timeout`.
    func peerEnds(within timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let pollRDHUP: Int16 = 0x2000  // POLLRDHUP: the peer closed or shut down writing
            var entry = pollfd(fd: descriptor, events: pollRDHUP, revents: 0)
            let remaining = deadline - ContinuousClock.now
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + 1)
            if poll(&entry, 1, min(milliseconds, 100)) > 0 { return true }
        }
        return false
    }

    /// Shuts the sending side (the server reads end of stream).
    func shutdownOutput() { shutdown(descriptor, Int32(SHUT_WR)) }

    /// Closes with a reset (SO_LINGER 0), as a client that dies or gives up abruptly.
    func reset() {
        guard descriptor >= 0 else { return }
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }

    /// Closes normally.
    func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    private func wait(for events: Int16, until deadline: ContinuousClock.Instant, _ what: String) throws {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { throw Failure.timedOut(what) }
        let milliseconds = Int32(
            clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1
        )
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        let ready = poll(&entry, 1, milliseconds)
        if ready == 0 { throw Failure.timedOut(what) }
    }

    private func failure() -> any Error {
        switch errno {
        case ECONNRESET, EPIPE: Failure.reset
        case ECONNREFUSED: Failure.refused
        default: HarnessError("socket error: \(String(cString: strerror(errno)))")
        }
    }
}

/// The connection ended in the middle of a response.
struct IncompleteResponse: Error, CustomStringConvertible {
    let bytes: [UInt8]
    var description: String {
        "connection ended in the middle of a response: \(String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription)"
    }
}

/// Runs blocking work on a thread of its own, so waiting on sockets never holds one of the few
/// threads of Swift's cooperative pool (two on a two-core machine).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
