import GreenroomCore
import NIOCore
import NIOHTTP1

/// The app `greenroom serve` runs: `GET /` → `Hello, World!`, `GET /healthz` → `ok`,
/// `GET /whoami` → the client as the trust layer sees it (JSON). `HEAD` works on each; other
/// methods get 405, other paths 404.
public struct BuiltInApp: HTTPHandler {
    /// Creates the app.
    public init() {}

    private static let allocator = ByteBufferAllocator()
    private static let jsonHeaders: HTTPHeaders = ["content-type": "application/json"]
    private static let hello = Response.text("Hello, World!")
    private static let healthy = Response.text("ok")
    private static let notFound = Response.text("Not Found\n", status: .notFound)

    public func handle(_ request: Request) async throws -> Response {
        let path = request.path
        let route: Route
        switch path {
        case "/": route = .hello
        case "/healthz": route = .health
        case "/whoami": route = .whoami
        default: return Self.notFound
        }
        guard request.method == .GET || request.method == .HEAD else { return .getOrHeadOnly }
        switch route {
        case .hello: return Self.hello
        case .health: return Self.healthy
        case .whoami:
            var body = Self.allocator.buffer(capacity: 320)
            request.client.writeJSON(into: &body)
            body.writeStaticString("\n")
            return Response(status: .ok, headers: Self.jsonHeaders, body: ResponseBody(bytes: body))
        }
    }

    private enum Route {
        case hello
        case health
        case whoami
    }
}
