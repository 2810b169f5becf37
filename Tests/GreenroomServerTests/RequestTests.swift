import GreenroomCore
import NIOCore
import NIOHTTP1
import Testing

@testable import GreenroomServer

@Suite struct RequestTests {
    static func request(_ uri: String) -> Request {
        Request(
            head: HTTPRequestHead(version: .http1_1, method: .GET, uri: uri),
            client: ClientAddress(
                address: .loopbackV4,
                port: 1,
                peer: .ip(.loopbackV4, port: 1),
                scheme: "http",
                via: .peer,
                decision: .peerUntrusted
            )
        )
    }

    @Test(
        arguments: [
            ("/", "/", nil),
            ("/a/b?x=1&y=2", "/a/b", "x=1&y=2"),
            ("/a?", "/a", ""),
            ("/a#frag", "/a", nil),
            ("/a?q#frag", "/a", "q"),
            ("http://example.com/p?q", "/p", "q"),
            ("http://example.com", "/", nil),
            ("*", "*", nil),
            ("", "/", nil),
        ] as [(String, String, String?)]
    )
    func pathAndQuery(_ uri: String, _ path: String, _ query: String?) {
        let request = Self.request(uri)
        #expect(request.path == path)
        #expect(request.query.map(String.init) == query)
    }

    @Test func collectStopsAtTheLimit() async throws {
        #expect(try await RequestBody.empty.collect(upTo: 0).readableBytes == 0)
    }

    @Test func builtInAppRoutes() async throws {
        let app = BuiltInApp()
        for (method, uri, status) in [
            (HTTPMethod.GET, "/", 200), (.HEAD, "/", 200), (.GET, "/healthz", 200), (.GET, "/whoami?x", 200),
            (.POST, "/", 405), (.DELETE, "/whoami", 405), (.GET, "/nope", 404), (.POST, "/nope", 404),
        ] {
            var request = Self.request(uri)
            request.head.method = method
            #expect(try await app.handle(request).status.code == UInt(status), "\(method) \(uri)")
        }
    }
}
