#if Vapor
import GreenroomCore
import GreenroomServer
import Testing

/// Forwarding headers no proxy would write, from a trusted peer: the request is answered, never
/// failed, and an unparseable hop stops the walk at the last good hop to its right (127.0.0.1).
@Suite struct MalformedForwardingHeaderTests {
    static let garbage: [[(name: String, value: String)]] = [
        [("X-Forwarded-For", "not-an-address")],
        [("X-Forwarded-For", "unknown")],
        [("X-Forwarded-For", "_hidden, ,,")],
        [("X-Forwarded-For", "1.2.3.4.5")],
        [("X-Forwarded-For", "[::1")],
        [("X-Forwarded-For", "::1]:80")],
        [("X-Forwarded-For", "999.1.1.1:99999")],
        [("X-Forwarded-For", String(repeating: "1.2.3.4,", count: 500))],
        [("X-Forwarded-For", "")],
        [("Forwarded", "for=\"")],
        [("Forwarded", "for=\"[2001:db8::1\"")],
        [("Forwarded", ";;;,,,=")],
        [("Forwarded", "for=1.2.3.4;for=5.6.7.8")],
        [("Forwarded", "proto=javascript;host=\"a\\\"b\"")],
        [("X-Forwarded-Proto", "https, http, gopher")],
        [("X-Forwarded-Port", "-1")],
        [("X-Forwarded-Host", "a b c")],
        [("X-Forwarded-Prefix", "../../etc")],
    ]

    @Test(arguments: garbage.indices, VaporTestApp.Path.allCases)
    func malformedHeadersAreAnsweredNeverRaised(_ index: Int, path: VaporTestApp.Path) async throws {
        var configuration = VaporTestApp.configuration()
        configuration.forwardedHeaders = .both
        try await VaporTestApp.with(path, configuration) { app in
            let answer = try await app.whoami(Self.garbage[index])
            #expect(answer.peer == "127.0.0.1")
            #expect(!answer.client.isEmpty)
        }
    }

    @Test(arguments: VaporTestApp.Path.allCases)
    func garbageHopStopsTheWalk(_ path: VaporTestApp.Path) async throws {
        try await VaporTestApp.with(path) { app in
            let answer = try await app.whoami([("X-Forwarded-For", "203.0.113.1, garbage, 127.0.0.2")])
            #expect(answer.client == "127.0.0.2")
            #expect(answer.decision == "unparseable-hop")
        }
    }
}
#endif
