import NIOCore
import NIOHTTP1

/// The connection task's writing end: encodes responses into one reusable buffer and writes
/// them with as few writes as possible (head and a small body go out together).
final class ResponseSink: @unchecked Sendable {
    /// A body at most this long is copied next to the head and sent in one write.
    static let coalesceLimit = 16 * 1024

    private let outbound: ConnectionBridge
    private let serverLine: [UInt8]?
    private var scratch: ByteBuffer
    private var framing: ResponseEncoder.Framing = .none
    private var suppressBody = false
    private var streamed = 0
    /// Body bytes written for the current response (not counting framing).
    private(set) var bodyBytes = 0

    init(outbound: ConnectionBridge, allocator: ByteBufferAllocator, serverName: String?) {
        self.outbound = outbound
        self.serverLine = serverName.map { Array("Server: \($0)\r\n".utf8) }
        self.scratch = allocator.buffer(capacity: 0)
    }

    /// What happened to a response.
    struct Outcome {
        /// The status sent.
        var status: HTTPResponseStatus
        /// Body bytes sent.
        var bytes: Int
        /// The connection closes after this response.
        var closes: Bool
    }

    /// Sends `response` to a request with method `method` and version `version`.
    ///
    /// - Parameter keepAlive: whether the connection may stay open; the response may make it
    ///   close (`Connection: close` from the application, an HTTP/1.0 stream of unknown length).
    func send(_ response: Response, method: HTTPMethod, version: HTTPVersion, keepAlive: Bool) async throws -> Outcome {
        let scan = ResponseEncoder.scan(response.headers)
        var keepAlive = keepAlive && !scan.wantsClose
        let http10 = version.major == 1 && version.minor == 0
        let code = response.status.code
        let bodyless = code < 200 || code == 204 || code == 304
        suppressBody = bodyless || method == .HEAD
        bodyBytes = 0
        streamed = 0

        switch response.body.storage {
        case .bytes(var body):
            framing = bodyless ? .none : .length(body.readableBytes)
            prepareScratch()
            try encodeHead(response, scan: scan, keepAlive: keepAlive, http10: http10)
            let kind: ResponseWrite.Kind = keepAlive ? .end : .endThenClose
            if suppressBody || body.readableBytes == 0 {
                try await outbound.write(ResponseWrite(bytes: scratch, kind: kind))
            } else if body.readableBytes <= Self.coalesceLimit {
                bodyBytes = body.readableBytes
                scratch.writeBuffer(&body)
                try await outbound.write(ResponseWrite(bytes: scratch, kind: kind))
            } else {
                bodyBytes = body.readableBytes
                try await outbound.write(
                    ResponseWrite(bytes: scratch, kind: .partial),
                    then: ResponseWrite(bytes: body, kind: kind)
                )
            }
        case .stream(let length, let write):
            if bodyless {
                framing = .none
            } else if let length {
                framing = .length(length)
            } else if http10 {
                framing = .untilClose
                keepAlive = false
            } else {
                framing = .chunked
            }
            prepareScratch()
            try encodeHead(response, scan: scan, keepAlive: keepAlive, http10: http10)
            try await outbound.write(ResponseWrite(bytes: scratch, kind: .partial))
            if !suppressBody {
                try await write(ResponseBodyWriter(sink: self))
                if case .length(let length) = framing, streamed != length {
                    // The declared length was not honoured: the client cannot frame the response.
                    throw StreamLengthMismatch(declared: length, written: streamed)
                }
            }
            let kind: ResponseWrite.Kind = keepAlive ? .end : .endThenClose
            let last = framing == .chunked && !suppressBody ? ResponseEncoder.lastChunk : ByteBuffer()
            try await outbound.write(ResponseWrite(bytes: last, kind: kind))
        }
        return Outcome(status: response.status, bytes: bodyBytes, closes: !keepAlive)
    }

    /// Writes a body part of a streamed response.
    func writeBody(_ buffer: ByteBuffer) async throws {
        guard !suppressBody, buffer.readableBytes > 0 else { return }
        streamed += buffer.readableBytes
        bodyBytes += buffer.readableBytes
        switch framing {
        case .chunked:
            var chunk = ByteBuffer()
            chunk.reserveCapacity(buffer.readableBytes + 16)
            ResponseEncoder.writeChunk(buffer, into: &chunk)
            try await outbound.write(ResponseWrite(bytes: chunk, kind: .partial))
        case .length(let length):
            if streamed > length { throw StreamLengthMismatch(declared: length, written: streamed) }
            try await outbound.write(ResponseWrite(bytes: buffer, kind: .partial))
        case .untilClose:
            try await outbound.write(ResponseWrite(bytes: buffer, kind: .partial))
        case .none:
            return
        }
    }

    /// Sends a short plain-text error response and closes.
    func sendError(_ status: HTTPResponseStatus) async throws -> Outcome {
        let response = Response.text(status.reasonPhrase + "\n", status: status)
        return try await send(response, method: .GET, version: .http1_1, keepAlive: false)
    }

    /// Empties the reusable head buffer; its storage is allocated on the first response only.
    private func prepareScratch() {
        scratch.clear()
        if scratch.capacity == 0 { scratch.reserveCapacity(256) }
    }

    private func encodeHead(
        _ response: Response,
        scan: ResponseEncoder.HeaderScan,
        keepAlive: Bool,
        http10: Bool
    ) throws {
        try ResponseEncoder.writeHead(
            into: &scratch,
            status: response.status,
            headers: response.headers,
            scan: scan,
            serverLine: serverLine,
            framing: framing,
            keepAlive: keepAlive,
            http10: http10
        )
    }
}

/// A streamed body wrote more or fewer bytes than its declared length.
struct StreamLengthMismatch: Error, CustomStringConvertible {
    let declared: Int
    let written: Int
    var description: String { "streamed body declared \(declared) bytes but wrote \(written)" }
}
