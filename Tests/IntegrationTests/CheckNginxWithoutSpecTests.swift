import Foundation
import Testing

/// `greenroom check --nginx` with no greenroom.yml judges the configuration against itself: no
/// GR020 for a site that proxies elsewhere, but the trust rules still catch forged headers.
@Suite struct CheckNginxWithoutSpecTests {
    static let site = """
        map $http_x_forwarded_proto $xfp {
            default $scheme;
            https https;
        }
        upstream shop {
            server 127.0.0.1:3000;
            keepalive 64;
        }
        server {
            listen 80;
            location / {
                proxy_pass http://shop;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For "$remote_addr, $cookie_ip";
                proxy_set_header X-Forwarded-Proto $xfp;
            }
        }

        """

    @Test func noGR020ButTheForgedHeadersAreFound() async throws {
        let scratch = try TemporaryDirectory()
        let path = try scratch.write("site.conf", Self.site)
        let result = try await CheckCommandTests.check(["--nginx", path, "--json"], in: scratch.path)
        #expect(result.status == 1, "\(result)")
        let findings = try CheckCommandTests.json(result).findings
        let placed = Set(findings.map { "\($0["rule"] as? String ?? "")@\($0["line"] as? Int ?? 0)" })
        #expect(placed == ["GR022@16", "GR022@17"], "\(result.stdout)")
        for finding in findings {
            let related = try #require(finding["related"] as? [[String: Any]])
            #expect(related.map { $0["line"] as? Int } == [12], "the proxy_pass the header goes with")
        }
        let human = try await CheckCommandTests.check(["--nginx", path], in: scratch.path)
        #expect(human.stderr.contains("nginx files are judged on their own"), "\(human.stderr)")
        #expect(!human.stdout.contains("GR020"))
    }

    /// The same site with a spec on port 8000: GR020 at the upstream's server line, and the fix
    /// is that line (the upstream and its keepalive stay).
    @Test func withASpecTheUpstreamServerLineIsTheFinding() async throws {
        let scratch = try TemporaryDirectory()
        let path = try scratch.write("site.conf", Self.site)
        let spec = try scratch.write("greenroom.yml", "app:\n  listen: {host: 127.0.0.1, port: 8000}\n")
        let result = try await CheckCommandTests.check(["--config", spec, "--nginx", path, "--json"])
        let findings = try CheckCommandTests.json(result).findings
        let mismatch = try #require(findings.first { $0["rule"] as? String == "GR020" }, "\(result.stdout)")
        #expect(mismatch["line"] as? Int == 6)
        #expect(mismatch["fix"] as? String == "server 127.0.0.1:8000;")
        let related = try #require(mismatch["related"] as? [[String: Any]])
        #expect(related.map { $0["line"] as? Int } == [12])
    }
}
