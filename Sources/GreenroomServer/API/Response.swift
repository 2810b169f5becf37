public import NIOCore
public import NIOHTTP1

/// An HTTP response: a status, header fields and a body.
///
/// The server adds `Date`, `Server` and `Content-Length` (or chunked framing for a stream of
/// unknown length), and `Connection: close` when it is about to close. A `HEAD` request gets
/// the same head with no body.
public struct Response: Sendable {
    /// The status.
    public var status: HTTPResponseStatus
    /// Header fields; values must not contain CR, LF or NUL (the server answers 500 instead).
    public var headers: HTTPHeaders
    /// The body.
    public var body: ResponseBody

    /// Creates a response.
    public init(status: HTTPResponseStatus = .ok, headers: HTTPHeaders = [:], body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: HTTPResponseStatus = .ok) -> Response {
        Response(
            status: status,
            headers: ["content-type": "text/plain; charset=utf-8"],
            body: ResponseBody(string: text)
        )
    }

    /// `405 Method Not Allowed` for an endpoint that answers only `GET` and `HEAD`, with its
    /// `Allow` header (RFC 9110 §15.5.6).
    static let getOrHeadOnly = Response(
        status: .methodNotAllowed,
        headers: ["content-type": "text/plain; charset=utf-8", "allow": "GET, HEAD"],
        body: ResponseBody(string: "Method Not Allowed\n")
    )

    /// An `application/json` response from already-encoded JSON text.
    public static func json(_ json: String, status: HTTPResponseStatus = .ok) -> Response {
        Response(status: status, headers: ["content-type": "application/json"], body: ResponseBody(string: json))
    }
}

/// A response body: bytes known up front, or a stream written by the handler.
public struct ResponseBody: Sendable {
    enum Storage: Sendable {
        case bytes(ByteBuffer)
        case stream(length: Int?, @Sendable (ResponseBodyWriter) async throws -> Void)
    }

    let storage: Storage

    /// No body (`Content-Length: 0`).
    public static let empty = ResponseBody(bytes: ByteBuffer())

    /// A body of these bytes.
    public init(bytes: ByteBuffer) { storage = .bytes(bytes) }

    /// A body of this text, UTF-8 encoded.
    public init(string: String) { storage = .bytes(ByteBuffer(string: string)) }

    /// A streamed body: `write` is called once with a writer and may write any number of buffers.
    ///
    /// - Parameters:
    ///   - length: the exact total length when known (sent as `Content-Length`); `nil` uses
    ///     chunked encoding (HTTP/1.1) or closes the connection after the body (HTTP/1.0).
    ///   - write: writes the body; throwing aborts the connection.
    public static func stream(
        length: Int? = nil,
        _ write: @escaping @Sendable (ResponseBodyWriter) async throws -> Void
    ) -> ResponseBody {
        ResponseBody(storage: .stream(length: length, write))
    }

    private init(storage: Storage) { self.storage = storage }

    /// The body's length when it is known up front.
    public var knownLength: Int? {
        switch storage {
        case .bytes(let buffer): buffer.readableBytes
        case .stream(let length, _): length
        }
    }
}

/// Writes a streamed response body to the connection, waiting when the client reads slowly.
public struct ResponseBodyWriter: Sendable {
    let sink: ResponseSink

    /// Writes a buffer (framed as a chunk when the length was not given).
    public func write(_ buffer: ByteBuffer) async throws { try await sink.writeBody(buffer) }

    /// Writes text, UTF-8 encoded.
    public func write(_ text: String) async throws { try await sink.writeBody(ByteBuffer(string: text)) }
}
