public import NIOCore

/// A request body, read as an `AsyncSequence` of `ByteBuffer`s straight from the connection.
///
/// Bytes arrive as the client sends them (no buffering of the whole body), so a handler can
/// stream uploads. With `Expect: 100-continue` the interim response is sent when the handler
/// first reads. Reading more than the configured maximum throws ``HTTPServerError/bodyTooLarge``
/// and the client gets 413. Iterate it once, from the handler's task; the part a handler leaves
/// unread is discarded before the next request.
public struct RequestBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    let source: InboundReader?
    let sequence: Int

    init(source: InboundReader, sequence: Int) {
        self.source = source
        self.sequence = sequence
    }

    private init() {
        self.source = nil
        self.sequence = 0
    }

    /// A body with no bytes.
    public static let empty = RequestBody()

    /// Reads the whole body into one buffer, up to `limit` bytes.
    ///
    /// - Throws: ``HTTPServerError/bodyTooLarge`` when the body exceeds `limit`.
    public func collect(upTo limit: Int) async throws -> ByteBuffer {
        var result = ByteBuffer()
        for try await var part in self {
            if result.readableBytes + part.readableBytes > limit { throw HTTPServerError.bodyTooLarge }
            result.writeBuffer(&part)
        }
        return result
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: source, sequence: sequence) }

    /// Iterates the body's buffers.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let source: InboundReader?
        let sequence: Int

        public mutating func next() async throws -> ByteBuffer? {
            guard let source else { return nil }
            return try await source.nextBodyPart(for: sequence)
        }
    }
}

/// Errors the server raises into handler code.
public enum HTTPServerError: Error, Sendable, Hashable {
    /// The request body exceeded the configured maximum; the client gets 413.
    case bodyTooLarge
    /// The request body ended early or was malformed; the client gets 400 when possible.
    case malformedBody
    /// The connection closed before the request or response was complete.
    case connectionClosed
    /// The body was read after the handler returned, or twice.
    case bodyNotAvailable
}
