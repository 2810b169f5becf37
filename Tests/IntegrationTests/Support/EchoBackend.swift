import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 backend that records exactly what a proxy sends it: the PROXY protocol
/// header (v1 or v2) if one comes first, and every request's method, target and headers.
///
/// It answers every request with `200 {"ok":true}` and keeps connections alive, so proxies'
/// upstream keep-alive and health checks work. One thread per connection; test traffic only.
/// This lets the proxy configurations be checked live without `greenroom serve`.
final class EchoBackend: @unchecked Sendable {
    /// One request as received.
    struct Request: Sendable {
        /// Which accepted connection it came on (0, 1, ...).
        let connection: Int
        let method: String
        let target: String
        let headers: [(name: String, value: String)]

        /// Every value of header `name` (case-insensitive), in order.
        func values(_ name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }
        /// The only value of header `name`, or `nil` when it is absent or repeated.
        func value(_ name: String) -> String? {
            let all = values(name)
            return all.count == 1 ? all[0] : nil
        }
    }

    private let listener: Int32
    private let state = Mutex<(requests: [Request], proxyHeaders: [Int: String], connections: Int, stopped: Bool)>(
        ([], [:], 0, false)
    )
    private let expectsProxyHeader: Bool

    /// Listens on `127.0.0.1:port`.
    init(port: UInt16, expectsProxyHeader: Bool = false) throws {
        self.expectsProxyHeader = expectsProxyHeader
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(listener)
            if errno == EADDRINUSE { throw PortConflict(description: "echo backend: port \(port): \(reason)") }
            throw HarnessError("echo backend cannot listen on \(port): \(reason)")
        }
        let thread = Thread { [weak self] in self?.acceptLoop() }
        thread.start()
    }

    /// Every request so far.
    var requests: [Request] { state.withLock { $0.requests } }
    /// Requests other than health checks (`/healthz`).
    var clientRequests: [Request] { requests.filter { $0.target != "/healthz" } }
    /// The PROXY header of each connection that sent one, by connection number.
    var proxyHeaders: [Int: String] { state.withLock { $0.proxyHeaders } }
    /// Connections accepted so far.
    var connectionCount: Int { state.withLock { $0.connections } }

    /// Stops accepting (open connections end when the proxy closes them).
    func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        if first {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    deinit { stop() }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            let number = state.withLock { state -> Int in
                defer { state.connections += 1 }
                return state.connections
            }
            let thread = Thread { [weak self] in
                self?.serve(connection, number: number)
                close(connection)
            }
            thread.start()
        }
    }

    private func serve(_ descriptor: Int32, number: Int) {
        var reader = SocketReader(descriptor: descriptor)
        if expectsProxyHeader {
            guard let header = reader.readProxyHeader() else { return }
            state.withLock { $0.proxyHeaders[number] = header }
        }
        while let head = reader.readHead() {
            var lines = head.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst().split(separator: " ")
            guard requestLine.count == 3 else { return }
            let headers = lines.compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            let request = Request(
                connection: number,
                method: String(requestLine[0]),
                target: String(requestLine[1]),
                headers: headers
            )
            state.withLock { $0.requests.append(request) }
            if let length = request.value("Content-Length").flatMap(Int.init), length > 0 {
                _ = reader.read(count: length)
            }
            let body = "{\"ok\":true}"
            let response =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            guard reader.write(response) else { return }
            if request.value("Connection")?.lowercased() == "close" { return }
        }
    }
}

/// Buffered blocking reads from a socket.
struct SocketReader {
    let descriptor: Int32
    var buffer: [UInt8] = []

    mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let count = recv(descriptor, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer += chunk[..<count]
        return true
    }

    mutating func read(count: Int) -> [UInt8]? {
        while buffer.count < count { guard fill() else { return nil } }
        defer { buffer.removeFirst(count) }
        return Array(buffer[..<count])
    }

    /// The request line and headers, without the blank line.
    mutating func readHead() -> String? {
        while true {
            if let end = buffer.firstRange(of: [13, 10, 13, 10]) {
                defer { buffer.removeFirst(end.upperBound) }
                return String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
            }
            guard buffer.count < 65536, fill() else { return nil }
        }
    }

    /// A PROXY v1 line (as text) or a v2 header (`v2 <command> <source>`), read before HTTP.
    mutating func readProxyHeader() -> String? {
        let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
        guard let start = read(count: 12) else { return nil }
        buffer.insert(contentsOf: start, at: 0)
        if start == signature {
            guard let fixed = read(count: 16) else { return nil }
            let length = Int(fixed[14]) << 8 | Int(fixed[15])
            guard let payload = read(count: length) else { return nil }
            let command = fixed[12] & 0x0F == 1 ? "PROXY" : "LOCAL"
            var source = "?"
            if fixed[13] >> 4 == 1, payload.count >= 12 {
                source =
                    payload[0..<4].map(String.init).joined(separator: ".")
                    + ":\(Int(payload[8]) << 8 | Int(payload[9]))"
            }
            return "v2 \(command) \(source) tlv-bytes=\(max(0, payload.count - 12))"
        }
        while true {
            if let end = buffer.firstRange(of: [13, 10]) {
                defer { buffer.removeFirst(end.upperBound) }
                return String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
            }
            guard buffer.count < 108, fill() else { return nil }
        }
    }

    func write(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }
}
