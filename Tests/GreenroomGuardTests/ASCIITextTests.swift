import GreenroomConfigParsing
import GreenroomCore
import Testing

@testable import GreenroomGuard

/// The byte-wise text helpers the nginx rules use instead of `lowercased()` and `Character`
/// searches: they read names the way nginx does, and allocate nothing.
@Suite struct ASCIITextTests {
    @Test(arguments: [
        ("X-Forwarded-For", "x-forwarded-for", true),
        ("HOST", "host", true),
        ("host", "hosts", false),
        ("x-forwarded-for", "x_forwarded_for", false),
        // '@' and '`' differ only in the 0x20 bit but are not letters.
        ("a@b", "a`b", false),
        // The Kelvin sign lowercases to "k" in Unicode; nginx compares bytes.
        ("\u{212A}eep-alive", "keep-alive", false),
        ("", "", true),
    ])
    func namesCompareIgnoringASCIICaseOnly(_ lhs: String, _ rhs: String, _ equal: Bool) {
        #expect(lhs.equalsIgnoringASCIICase(rhs) == equal)
        #expect(rhs.equalsIgnoringASCIICase(lhs) == equal)
    }

    @Test func aByteSearchFindsTheFirstOccurrenceAsStringIndices() throws {
        let text = Substring("http://app:8000/a://b")
        let range = try #require(text.firstASCIIRange(of: "://"))
        #expect(text[..<range.lowerBound] == "http")
        #expect(text[range.upperBound...] == "app:8000/a://b")
        #expect(text.firstASCIIRange(of: "::") == nil)
        #expect(text.firstASCIIIndex(of: "/").map { text[..<$0] } == "http:")
        #expect(text.lastASCIIIndex(of: ":").map { text[$0...] } == "://b")
        // A separator after a combining mark is still found (a Character search would see
        // ":\u{301}" as one character and miss it).
        let marked = Substring("e\u{301}:80")
        #expect(marked.firstASCIIIndex(of: ":").map { marked[..<$0] } == "e\u{301}")
    }

    @Test(arguments: [
        ("http://127.0.0.1:8000/uri", "127.0.0.1:8000"),
        ("http://[::1]:8000", "[::1]:8000"),
        ("https://app.internal", "app.internal:443"),
        ("http://unix:/run/app.sock:/uri", "unix:/run/app.sock"),
    ])
    func proxyTargetsParseByBytes(_ argument: String, _ endpoint: String) throws {
        let directives = try NginxParser.parse("location / { proxy_pass \(argument); }", file: "site.conf")
        let directive = try #require(directives.first?.block?.first)
        let target = NginxProxyTarget(directive, upstreams: [:], stream: false)
        #expect(target.endpoints.map(\.description) == [endpoint])
    }

    /// nginx tests the `unix:` prefix on bytes, so a socket path that starts with a combining
    /// mark is still a socket (a `Character` prefix test sees `:\u{301}` as one character and
    /// took the whole text for a host name with an invalid port).
    @Test func aUnixPrefixIsTestedOnBytes() throws {
        let path = "\u{301}/run/app.sock"
        let http = try NginxParser.parse("location / { proxy_pass http://unix:\(path); }", file: "site.conf")
        let httpTarget = NginxProxyTarget(try #require(http.first?.block?.first), upstreams: [:], stream: false)
        #expect(httpTarget.endpoints.map(\.address) == [.unix(path: path)])
        let stream = try NginxParser.parse("server { proxy_pass unix:\(path); }", file: "stream.conf")
        let streamTarget = NginxProxyTarget(try #require(stream.first?.block?.first), upstreams: [:], stream: true)
        #expect(streamTarget.endpoints.map(\.address) == [.unix(path: path)])
        let upstream = try NginxParser.parse("upstream app { server unix:\(path); }", file: "site.conf")
        let server = try #require(upstream.first?.block?.first)
        #expect(NginxProxyTarget.endpoint(fromUpstreamServer: server, stream: false)?.address == .unix(path: path))
    }

    @Test func theUnixPrefixIgnoresCaseAsNginxDoes() throws {
        // nginx 1.22 here accepts `proxy_pass http://UNIX:/run/app.sock:/;` and
        // `server UnIx:/run/b.sock;` (ngx_parse_url compares "unix:" ignoring case).
        let http = try NginxParser.parse("location / { proxy_pass http://UNIX:/run/app.sock:/; }", file: "site.conf")
        let httpTarget = NginxProxyTarget(try #require(http.first?.block?.first), upstreams: [:], stream: false)
        #expect(httpTarget.endpoints.map(\.address) == [.unix(path: "/run/app.sock")])
        let upstream = try NginxParser.parse("upstream app { server UnIx:/run/b.sock; }", file: "site.conf")
        let server = try #require(upstream.first?.block?.first)
        #expect(
            NginxProxyTarget.endpoint(fromUpstreamServer: server, stream: false)?.address == .unix(path: "/run/b.sock")
        )
    }
}
