public import GreenroomCore
public import NIOHTTP1

/// An HTTP request as the application sees it: the head, a body stream, and who sent it.
///
/// ``client`` is the trust layer's answer (`ForwardedResolver`): the real client behind the
/// trusted proxies, with provenance. When the peer is not a trusted proxy, every forwarding
/// header (`X-Forwarded-For`, `Forwarded`, `X-Real-IP`, ...) has already been removed from
/// ``headers``, so code that reads them on its own cannot be fooled.
public struct Request: Sendable {
    /// The request head as NIO decoded it (method, target, version, headers).
    public var head: HTTPRequestHead
    /// The body, read as a stream of buffers; empty when the request has none.
    public let body: RequestBody
    /// Who the client is, and why Greenroom believes it.
    public let client: ClientAddress
    /// The connection's peer used for trust: the socket peer, or a trusted PROXY header's source.
    public var peer: Peer { client.peer }

    /// The request method.
    public var method: HTTPMethod { head.method }
    /// The request target as sent (`/path?query`).
    public var uri: String { head.uri }
    /// The HTTP version.
    public var version: HTTPVersion { head.version }
    /// The header fields (forwarding headers of untrusted peers removed).
    public var headers: HTTPHeaders {
        get { head.headers }
        set { head.headers = newValue }
    }

    /// The path of the target, without the query; an absolute-form target (`http://h/p`) gives `/p`.
    public var path: Substring {
        let uri = head.uri
        let bytes = uri.utf8
        var start = bytes.startIndex
        if bytes.first != UInt8(ascii: "/"), let authority = Self.authorityStart(bytes) {
            start = bytes[authority...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
        }
        let end = bytes[start...].firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.endIndex
        return start == end && start == bytes.endIndex ? "/" : uri[start..<end]
    }

    /// The index after `scheme://` in an absolute-form target.
    static func authorityStart(_ bytes: String.UTF8View) -> String.Index? {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let rest = bytes[colon...]
        guard rest.starts(with: "://".utf8) else { return nil }
        return bytes.index(colon, offsetBy: 3)
    }

    /// The query string after `?`, without it; `nil` when there is none.
    public var query: Substring? {
        let uri = Substring(head.uri)
        guard let mark = uri.firstIndex(of: "?") else { return nil }
        let end = uri[mark...].firstIndex(of: "#") ?? uri.endIndex
        return uri[uri.index(after: mark)..<end]
    }

    /// Creates a request; the server does this, tests and adapters may too.
    public init(head: HTTPRequestHead, body: RequestBody = .empty, client: ClientAddress) {
        self.head = head
        self.body = body
        self.client = client
    }

    /// The request being handled by the current task, like Flask's context-local `request`.
    ///
    /// Set for the duration of the handler call and inherited by child tasks; `nil` outside one.
    @TaskLocal public static var current: Request?
}
