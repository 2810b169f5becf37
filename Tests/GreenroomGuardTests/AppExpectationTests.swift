import GreenroomCore
import GreenroomGuard
import Testing

@Suite struct AppExpectationTests {
    typealias Address = ProxyEndpoint.Address

    @Test(arguments: [
        ("127.0.0.1", Address.tcp(host: "127.0.0.1", port: 8000), "reaches"),
        ("127.0.0.1", .tcp(host: "127.0.0.1", port: 8001), "misses"),
        ("127.0.0.1", .tcp(host: "localhost", port: 8000), "reaches"),
        ("127.0.0.1", .tcp(host: "::1", port: 8000), "misses"),
        ("127.0.0.1", .tcp(host: "::ffff:127.0.0.1", port: 8000), "reaches"),
        ("127.0.0.1", .tcp(host: "0.0.0.0", port: 8000), "reaches"),
        ("127.0.0.1", .tcp(host: "backend.internal", port: 8000), "unknown"),
        ("127.0.0.1", .unix(path: "/run/app.sock"), "misses"),
        ("::1", .tcp(host: "localhost", port: 8000), "reaches"),
        ("::1", .tcp(host: "127.0.0.1", port: 8000), "misses"),
        ("[::1]", .tcp(host: "::1", port: 8000), "reaches"),
        ("0.0.0.0", .tcp(host: "10.0.0.5", port: 8000), "reaches"),
        ("0.0.0.0", .tcp(host: "::1", port: 8000), "misses"),
        ("::", .tcp(host: "127.0.0.1", port: 8000), "reaches"),
        ("10.0.0.5", .tcp(host: "10.0.0.5", port: 8000), "reaches"),
        ("10.0.0.5", .tcp(host: "127.0.0.1", port: 8000), "misses"),
    ])
    func tcpMatching(_ bindHost: String, _ target: Address, _ expected: String) {
        let app = AppExpectation(host: bindHost, port: 8000)
        let verdict: String
        switch app.match(target) {
        case .reaches: verdict = "reaches"
        case .misses: verdict = "misses"
        case .unknown: verdict = "unknown"
        }
        #expect(verdict == expected)
    }

    @Test func unixSocketsMatchByNormalisedPath() {
        let app = AppExpectation(binds: [.unix(path: "/run/greenroom/app.sock")])
        #expect(app.match(.unix(path: "/run/greenroom//./app.sock")) == .reaches(.unix(path: "/run/greenroom/app.sock")))
        #expect(app.match(.unix(path: "/run/other.sock")) == .misses)
        #expect(app.match(.tcp(host: "127.0.0.1", port: 8000)) == .misses)
    }

    @Test(arguments: [
        ("127.0.0.1:8000", "127.0.0.1", 8000),
        ("[::1]:8000", "::1", 8000),
        ("[::1]", "::1", 80),
        ("localhost", "localhost", 80),
        ("app", "app", 80),
    ])
    func hostPortSplitting(_ text: String, _ host: String, _ port: Int) throws {
        let split = try #require(ProxyEndpoint.splitHostPort(text, defaultPort: 80))
        #expect(split.host == host && split.port == port)
    }

    @Test(arguments: ["127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "[::1]x", "[::1"])
    func badPortsAreRefused(_ text: String) {
        #expect(ProxyEndpoint.splitHostPort(text, defaultPort: 80) == nil)
    }
}
