/// Answers requests: the one thing an application gives the server.
///
/// Called once per request on the connection's task; requests of one connection are handled
/// one after another (pipelined requests are answered in order), different connections
/// concurrently. Throwing makes the server answer 500 (or 413/400 for body errors) and close.
public protocol HTTPHandler: Sendable {
    /// Returns the response to `request`.
    func handle(_ request: Request) async throws -> Response
}

/// An ``HTTPHandler`` made from a closure.
public struct ClosureHandler: HTTPHandler {
    private let closure: @Sendable (Request) async throws -> Response

    /// Wraps `closure`.
    public init(_ closure: @escaping @Sendable (Request) async throws -> Response) {
        self.closure = closure
    }

    public func handle(_ request: Request) async throws -> Response { try await closure(request) }
}
