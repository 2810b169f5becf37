import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One TCP exchange with exact bytes: what curl cannot send (a PROXY header before the request,
/// bare CR or LF, obs-fold continuation lines, NUL bytes, conflicting framing).
///
/// The bytes go out in one write; everything the server sends is read until it closes the
/// connection, resets it, or `timeout` passes. The blocking socket work runs on its own thread,
/// never on Swift's cooperative pool.
enum RawExchange {
    /// How the exchange ended.
    enum Ending: Sendable, Equatable {
        /// The server closed the connection (end of file).
        case closed
        /// The server reset the connection (or refused it).
        case reset
        /// The server neither answered completely nor closed within the timeout.
        case timedOut
    }

    /// What came back.
    struct Reply: Sendable, CustomStringConvertible {
        /// Every byte the server sent.
        let bytes: [UInt8]
        let ending: Ending

        /// The status code of the first response, or `nil` when nothing (or no status line) came.
        var status: Int? {
            let text = String(decoding: bytes.prefix(64), as: UTF8.self)
            guard text.hasPrefix("HTTP/1."), text.count >= 12 else { return nil }
            return Int(text.dropFirst(9).prefix(3))
        }

        /// `true` when the server closed or reset the connection without sending a byte.
        var closedWithoutResponse: Bool { bytes.isEmpty && ending != .timedOut }

        /// The first response as a ``CurlResponse`` (headers and a `Content-Length` body).
        var response: CurlResponse? {
            guard let status else { return nil }
            let text = String(decoding: bytes, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { return nil }
            let lines = text[..<end.lowerBound].components(separatedBy: "\r\n").dropFirst()
            let headers = lines.compactMap { line -> (name: String, value: String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            var body = String(text[end.upperBound...])
            if let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) }
            ) {
                body = String(decoding: Array(body.utf8).prefix(length), as: UTF8.self)
            }
            return CurlResponse(status: status, headers: headers, body: body)
        }

        var description: String {
            let shown = String(decoding: bytes.prefix(600), as: UTF8.self)
            return "\(bytes.count) bytes, then \(ending): \(shown.debugDescription)"
        }
    }

    /// Sends `bytes` to `127.0.0.1:port` and collects the reply.
    static func exchange(
        port: UInt16,
        host: String = "127.0.0.1",
        _ bytes: [UInt8],
        timeout: Duration = .seconds(5)
    ) async throws -> Reply {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Result { try blockingExchange(host: host, port: port, bytes, timeout: timeout) }
                )
            }
            thread.start()
        }
    }

    /// Sends a text (`\r\n` written out by the caller) to `127.0.0.1:port`.
    static func exchange(port: UInt16, _ text: String, timeout: Duration = .seconds(5)) async throws -> Reply {
        try await exchange(port: port, Array(text.utf8), timeout: timeout)
    }

    private static func blockingExchange(
        host: String,
        port: UInt16,
        _ bytes: [UInt8],
        timeout: Duration
    ) throws -> Reply {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw HarnessError("connect \(host):\(port): \(String(cString: strerror(errno)))") }

        // A server that closes at once (an untrusted PROXY peer) may reset the connection while
        // we write: that is an answer, not a harness error. MSG_NOSIGNAL: no SIGPIPE.
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET || errno == EPIPE { break }
                throw HarnessError("send: \(String(cString: strerror(errno)))")
            }
            offset += sent
        }

        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return Reply(bytes: received, ending: .timedOut) }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(
                max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            )
            let ready = poll(&poller, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw HarnessError("poll: \(String(cString: strerror(errno)))")
            }
            if ready == 0 { continue }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[..<count]
            } else if count == 0 {
                return Reply(bytes: received, ending: .closed)
            } else if errno == ECONNRESET {
                return Reply(bytes: received, ending: .reset)
            } else if errno != EINTR {
                throw HarnessError("recv: \(String(cString: strerror(errno)))")
            }
        }
    }
}
