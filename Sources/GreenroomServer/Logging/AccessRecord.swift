public import GreenroomCore
public import NIOHTTP1

/// One answered request, as the access log sees it.
public struct AccessRecord: Sendable {
    /// The client as the trust layer decided (`peer` is the socket's peer).
    public var client: ClientAddress
    /// The request method.
    public var method: HTTPMethod
    /// The request target's path, as the client sent it (not decoded).
    public var path: Substring
    /// The status sent.
    public var status: HTTPResponseStatus
    /// The response body bytes sent.
    public var bytes: Int
    /// From the request head's arrival to the response's last byte handed to the socket.
    public var durationMicroseconds: Int64
}

/// Where access records go when they should not go through swift-log metadata.
///
/// By default the server logs each request as swift-log metadata on its logger (one `info` event
/// called `request`), which any log handler understands. That builds a metadata dictionary per
/// request; a writer that formats ``AccessRecord`` itself skips it — `greenroom serve` uses one
/// for its text and JSON access logs. The writer runs on the connection's task, once per request,
/// only when the access log is on and the server's logger logs at `info`.
public protocol AccessLogWriter: Sendable {
    /// Records one answered request.
    func write(_ record: AccessRecord)
}
