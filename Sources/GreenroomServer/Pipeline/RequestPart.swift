import NIOCore
import NIOHTTP1

/// What the connection's pipeline hands to its task, in order.
///
/// Failures travel in-band, after every request the client sent before the bad bytes, so
/// pipelined requests are answered in order and the error response comes last.
enum RequestPart: Sendable, Equatable {
    /// Who the connection's peer is, from the ``ProxyProtocolHandler`` (once, before any request).
    case peer(ConnectionPeer)
    /// A request head.
    case head(HTTPRequestHead)
    /// A piece of the current request's body.
    case body(ByteBuffer)
    /// The end of the current request.
    case end
    /// The connection cannot continue: answer with the failure's status (if any) and close.
    case failure(HTTPFailure)
}

/// Why a connection stops reading requests.
enum HTTPFailure: Sendable, Hashable {
    /// Malformed HTTP: 400.
    case badRequest
    /// Request line plus header fields above the limit: 431.
    case headerTooLarge
    /// A body above the limit: 413.
    case bodyTooLarge
    /// The request head did not arrive in time: 408.
    case headerTimeout
    /// An HTTP version other than 1.x: 505.
    case versionNotSupported
    /// A transfer coding other than `chunked` before the final `chunked`: 501.
    case notImplemented
    /// The client stopped sending a body it announced: 408.
    case bodyTimeout

    /// The status to answer with.
    var status: HTTPResponseStatus {
        switch self {
        case .badRequest: .badRequest
        case .headerTooLarge: .requestHeaderFieldsTooLarge
        case .bodyTooLarge: .payloadTooLarge
        case .headerTimeout: .requestTimeout
        case .versionNotSupported: .httpVersionNotSupported
        case .notImplemented: .notImplemented
        case .bodyTimeout: .requestTimeout
        }
    }
}

/// Bytes the connection's task writes, with where they stand in the response stream.
struct ResponseWrite: Sendable {
    /// What the bytes complete.
    enum Kind: Sendable {
        /// Part of a response (head or body), more follows.
        case partial
        /// An interim `100 Continue`.
        case informational
        /// The last bytes of a response; the connection stays open.
        case end
        /// The last bytes of a response; close once they are written.
        case endThenClose
    }

    var bytes: ByteBuffer
    var kind: Kind
}
