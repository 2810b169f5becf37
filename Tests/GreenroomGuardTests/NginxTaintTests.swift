import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// Client-controlled variables followed through map, set and if, and where the findings point.
@Suite struct NginxTaintTests {
    static func check(_ text: String, app: AppExpectation? = nil) throws -> [Finding] {
        let fileSystem = InMemoryFileSystem(texts: ["/etc/nginx/site.conf": text])
        return try ProxyConfigCheck.nginx(
            "/etc/nginx/site.conf",
            app: app,
            inferringApp: app == nil,
            fileSystem: fileSystem
        ).findings
    }

    /// A chain of `n` set lines from a cookie to X-Forwarded-For.
    static func chain(_ count: Int) -> String {
        var text = "server {\n    listen 80;\n    location / {\n        set $v0 $cookie_ip;\n"
        for index in 1...count { text += "        set $v\(index) \"x$v\(index - 1)\";\n" }
        return text
            + "        proxy_pass http://127.0.0.1:8000;\n        proxy_set_header X-Forwarded-For $v\(count);\n    }\n}\n"
    }

    /// The walk is linear: 4× the chain takes well under 16× the time, and the end of the chain
    /// is still known to come from the cookie.
    @Test func aLongSetChainIsFollowedInLinearTime() throws {
        var seconds: [Double] = []
        for count in [5_000, 20_000] {
            let started = ContinuousClock.now
            let findings = try Self.check(Self.chain(count))
            let elapsed = ContinuousClock.now - started
            #expect(findings.map(\.rule) == [.nginxClientForwardingHeader], "\(findings)")
            #expect(findings.first?.location?.line == count + 6)
            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        #expect(seconds[1] < 8 * seconds[0] + 1, "5k: \(seconds[0]) s, 20k: \(seconds[1]) s")
    }

    /// A header line in the server, used by two locations: one finding there, naming both
    /// proxy_pass lines.
    @Test func aSharedHeaderLineIsOneFindingWithEveryProxyPassRelated() throws {
        let findings = try Self.check(
            """
            server {
                listen 80;
                proxy_set_header X-Forwarded-For $http_x_forwarded_for;
                location /a/ { proxy_pass http://127.0.0.1:8000; }
                location /b/ { proxy_pass http://127.0.0.1:8001; }
            }
            """
        )
        let finding = try #require(findings.first)
        #expect(findings.count == 1, "\(findings)")
        #expect(finding.location?.line == 3)
        #expect(finding.related.map(\.line) == [4, 5])
        #expect(finding.fix == "proxy_set_header X-Forwarded-For $remote_addr;")
    }

    /// Hostile spellings: braces, upper case names, a named capture in an if.
    @Test(arguments: [
        "proxy_set_header X-Forwarded-For ${HTTP_X_REAL_IP};",
        "proxy_set_header X-Forwarded-For \"${remote_addr},${Cookie_IP}\";",
        "if ($http_x_client ~ (?<who>.+)) { set $client $who; } proxy_set_header X-Forwarded-For $client;",
        "set $client $remote_addr; if ($arg_override) { set $client $arg_override; } proxy_set_header X-Forwarded-For $client;",
        "proxy_set_header Forwarded \"for=$remote_addr;proto=$scheme;host=$host\";",
    ])
    func forgedSpellingsAreCaught(_ lines: String) throws {
        let findings = try Self.check("location / {\n    proxy_pass http://127.0.0.1:8000;\n    \(lines)\n}\n")
        #expect(findings.contains { $0.rule == .nginxClientForwardingHeader }, "\(findings)")
    }

    /// Look-alikes that are safe: nginx's own values, $host alone in X-Forwarded-Host, a map
    /// over nginx's own TLS state.
    @Test(arguments: [
        "proxy_set_header X-Forwarded-For ${remote_addr};",
        "proxy_set_header X-Forwarded-Host $host;",
        "set $client $remote_addr; if ($https) { set $client \"tls-$remote_addr\"; } proxy_set_header X-Forwarded-For $client;",
    ])
    func nginxOwnValuesAreClean(_ lines: String) throws {
        let findings = try Self.check("location / {\n    proxy_pass http://127.0.0.1:8000;\n    \(lines)\n}\n")
        #expect(findings.isEmpty, "\(findings)")
    }
}
