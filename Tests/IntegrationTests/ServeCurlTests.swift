import Foundation
import Testing

/// `curl` against the real `greenroom serve` binary: the CLI contract, the start-up refusals,
/// and `/whoami` with and without forged forwarding headers, trusted and untrusted.
@Suite(.serialized) struct ServeCurlTests {
    static let forged = [
        "-H", "X-Forwarded-For: 203.0.113.66", "-H", "Forwarded: for=203.0.113.66;proto=https",
        "-H", "X-Real-IP: 203.0.113.66", "-H", "X-Forwarded-Proto: https", "-H", "X-Forwarded-Host: evil.example",
    ]

    /// Starts `greenroom serve --port 0 <flags>`, runs `body` with the base URL, stops it with SIGTERM.
    func withServe(_ flags: [String], _ body: (String) async throws -> Void) async throws {
        guard GreenroomProcess.binary != nil else {
            if let reason = GreenroomProcess.missing("the greenroom binary is not built") { Issue.record("\(reason)") }
            return
        }
        let server = try GreenroomProcess(["serve", "--port", "0"] + flags)
        let url = try await server.waitForStartup()
        do {
            try await body(url)
        } catch {
            _ = try? await server.terminate()
            throw error
        }
        #expect(try await server.terminate() == 0, "stderr: \(server.standardError)")
        #expect(server.standardError.contains("notice stopped"))
    }

    /// `curl -s URL` with extra arguments; records an issue (CI) or skips when curl is missing.
    func curl(_ arguments: [String]) throws -> String? {
        guard let (status, output) = try GreenroomProcess.curl(arguments) else {
            if let reason = GreenroomProcess.missing("curl is not installed") { Issue.record("\(reason)") }
            return nil
        }
        #expect(status == 0, "curl \(arguments)")
        return output
    }

    func whoami(_ url: String, _ headers: [String] = []) throws -> [String: Any]? {
        guard let body = try curl(headers + ["\(url)/whoami"]) else { return nil }
        return try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
    }

    @Test func startupLineAndBuiltInApp() async throws {
        try await withServe([]) { url in
            #expect(url.hasPrefix("http://127.0.0.1:"))
            let hello = try curl([url + "/"])
            let health = try curl([url + "/healthz"])
            let missing = try curl(["-o", "/dev/null", "-w", "%{http_code}", url + "/missing"])
            let post = try curl(["-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", url + "/"])
            #expect(hello == "Hello, World!")
            #expect(health == "ok")
            #expect(missing == "404")
            #expect(post == "405")
        }
    }

    @Test func whoamiWithoutForwardingHeadersIsThePeer() async throws {
        try await withServe([]) { url in
            guard let json = try whoami(url) else { return }
            #expect(json["client"] as? String == "127.0.0.1")
            #expect(json["peer"] as? String == "127.0.0.1")
            #expect(json["via"] as? String == "peer")
            #expect(json["scheme"] as? String == "http")
            #expect(json["client_port"] is Int)
        }
    }

    @Test func trustedProxysHeadersAreBelieved() async throws {
        // Default trust is loopback: curl on 127.0.0.1 plays the local proxy.
        try await withServe([]) { url in
            guard let json = try whoami(url, ["-H", "X-Forwarded-For: 198.51.100.7", "-H", "X-Forwarded-Proto: https"])
            else { return }
            #expect(json["client"] as? String == "198.51.100.7")
            #expect(json["via"] as? String == "x-forwarded-for")
            #expect(json["scheme"] as? String == "https")
        }
    }

    @Test func forgedHopLeftOfTheRealClientIsIgnored() async throws {
        try await withServe([]) { url in
            guard let json = try whoami(url, ["-H", "X-Forwarded-For: 203.0.113.66, 198.51.100.7"]) else { return }
            #expect(json["client"] as? String == "198.51.100.7")
        }
    }

    @Test func untrustedConfigurationIgnoresForgedHeaders() async throws {
        // The trusted proxy is elsewhere: curl on loopback is just a client.
        try await withServe(["--trust", "10.0.0.2"]) { url in
            guard let json = try whoami(url, Self.forged) else { return }
            #expect(json["client"] as? String == "127.0.0.1")
            #expect(json["via"] as? String == "peer")
            #expect(json["scheme"] as? String == "http")
            #expect(json["host"] as? String != "evil.example")
        }
    }

    @Test func unixSocketWithUnixTrusted() async throws {
        let path = "/tmp/greenroom-it-\(getpid())-\(Int.random(in: 0...999_999)).sock"
        guard GreenroomProcess.binary != nil else { return }
        let server = try GreenroomProcess(["serve", "--unix", path, "--trust", "unix"])
        let url = try await server.waitForStartup()
        #expect(url == "http+unix://" + path)
        var info = stat()
        #expect(lstat(path, &info) == 0 && info.st_mode & 0o777 == 0o660)
        if let body = try curl(["--unix-socket", path, "-H", "X-Forwarded-For: 198.51.100.7", "http://app/whoami"]) {
            #expect(body.contains(#""client":"198.51.100.7""#), "\(body)")
        }
        #expect(try await server.terminate() == 0)
        unlink(path)
    }

    @Test(arguments: [
        (["serve", "--host", "0.0.0.0", "--port", "8000"], "bind-wildcard"),
        (["serve", "--host", "192.0.2.10", "--port", "8000"], "bind-public"),
        (["serve", "--port", "80"], "privileged-port"),
        (["serve", "--config", "/nonexistent/greenroom.yml"], "/nonexistent/greenroom.yml:1:1: no such file"),
        (["serve", "--trust", "0.0.0.0/0"], "--trust"),
        (["serve", "--host", "example.com"], "is not an IP address"),
    ])
    func refusalsExitWithTwoAndNameTheFix(_ arguments: [String], _ expected: String) async throws {
        guard GreenroomProcess.binary != nil else { return }
        let (status, stdout, stderr) = try await GreenroomProcess.run(arguments)
        #expect(status == 2, "stderr: \(stderr)")
        #expect(stderr.contains(expected), "stderr: \(stderr)")
        #expect(!stdout.contains("starting up"))
        #expect(stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("greenroom: ") })
    }

    @Test func rootIsRefused() async throws {
        guard GreenroomProcess.isRoot, GreenroomProcess.binary != nil else {
            print("skipped: not running as root, so the root refusal cannot be shown for real")
            return
        }
        let (status, _, stderr) = try await GreenroomProcess.run(["serve", "--port", "0"], asRoot: true)
        #expect(status == 2)
        #expect(stderr.contains("refusing to run as root"))
    }

    @Test func allowPublicPrintsNavigableAddressesNeverTheWildcard() async throws {
        guard GreenroomProcess.binary != nil else { return }
        let server = try GreenroomProcess(["serve", "--host", "0.0.0.0", "--port", "0", "--allow-public"])
        _ = try await server.waitForStartup()
        #expect(try await server.terminate() == 0)
        let lines = server.standardOutput.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("greenroom starting up on http://127.0.0.1:") })
        #expect(!server.standardOutput.contains("0.0.0.0"))
    }

    @Test func accessLogHasOneLinePerRequestAsTextOrJSON() async throws {
        guard GreenroomProcess.binary != nil else { return }
        for format in ["text", "json"] {
            let server = try GreenroomProcess(["serve", "--port", "0", "--access-log", format])
            let url = try await server.waitForStartup()
            _ = try curl(["-H", "X-Forwarded-For: 198.51.100.7", url + "/healthz?token=secret"])
            #expect(try await server.terminate() == 0)
            let lines = server.standardError.split(separator: "\n").filter { $0.contains("198.51.100.7") }
            #expect(lines.count == 1, "\(server.standardError)")
            guard let line = lines.first.map(String.init) else { continue }
            #expect(!line.contains("secret"))
            if format == "text" {
                #expect(line.hasPrefix("198.51.100.7 \"GET /healthz\" 200 2 "))
                #expect(line.hasSuffix("via=x-forwarded-for peer=127.0.0.1"))
            } else {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["message"] as? String == "request")
                #expect(object?["greenroom.client"] as? String == "198.51.100.7")
                #expect(object?["greenroom.via"] as? String == "x-forwarded-for")
                #expect(object?["http.status"] as? Int == 200)
                #expect(object?["http.path"] as? String == "/healthz")
            }
        }
    }
}
