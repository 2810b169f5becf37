import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `curl` against the real `greenroom serve` binary: the CLI contract, the start-up refusals,
/// and `/whoami` with and without forged forwarding headers, trusted and untrusted.
@Suite(.serialized) struct ServeCurlTests {
    static let forged = [
        "X-Forwarded-For: 203.0.113.66", "Forwarded: for=203.0.113.66;proto=https", "X-Real-IP: 203.0.113.66",
        "X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example",
    ]

    /// Starts `greenroom serve --port 0 <flags>` unprivileged, runs `body` with the server, then
    /// stops it with SIGTERM and checks it shut down cleanly.
    func withServe(_ flags: [String], _ body: (ServeProcess) async throws -> Void) async throws {
        let logs = try TemporaryDirectory("greenroom-serve")
        let server = try await ServeProcess.start(["--port", "0"] + flags, readiness: .startupLine, logDirectory: logs)
        try await body(server)
        #expect(server.stop() == 0, "\(server.output)")
        #expect(server.output.contains("stopped"), "\(server.output)")
    }

    @Test func startupLineAndBuiltInApp() async throws {
        try await withServe([]) { server in
            #expect(server.url.hasPrefix("http://127.0.0.1:"))
            let hello = try await Curl.request(server.url + "/")
            let health = try await Curl.request(server.url + "/healthz")
            let missing = try await Curl.request(server.url + "/missing")
            let post = try await Curl.request(server.url + "/", method: "POST")
            #expect(hello.body == "Hello, World!")
            #expect(health.body == "ok")
            #expect(missing.status == 404)
            #expect(post.status == 405)
        }
    }

    @Test func whoamiWithoutForwardingHeadersIsThePeer() async throws {
        try await withServe([]) { server in
            let json = try await Curl.request(server.url + "/whoami").json()
            #expect(json["client"] as? String == "127.0.0.1")
            #expect(json["peer"] as? String == "127.0.0.1")
            #expect(json["via"] as? String == "peer")
            #expect(json["scheme"] as? String == "http")
            #expect(json["client_port"] is Int)
        }
    }

    @Test func trustedProxysHeadersAreBelieved() async throws {
        // Default trust is loopback: curl on 127.0.0.1 plays the local proxy.
        try await withServe([]) { server in
            let json = try await Curl.request(
                server.url + "/whoami",
                headers: ["X-Forwarded-For: 198.51.100.7", "X-Forwarded-Proto: https"]
            ).json()
            #expect(json["client"] as? String == "198.51.100.7")
            #expect(json["via"] as? String == "x-forwarded-for")
            #expect(json["scheme"] as? String == "https")
        }
    }

    @Test func forgedHopLeftOfTheRealClientIsIgnored() async throws {
        try await withServe([]) { server in
            let json = try await Curl.request(
                server.url + "/whoami",
                headers: ["X-Forwarded-For: 203.0.113.66, 198.51.100.7"]
            ).json()
            #expect(json["client"] as? String == "198.51.100.7")
        }
    }

    @Test func disagreeingForgedFamilyNeverMakesTheProxyTheClient() async throws {
        // curl on loopback plays nginx, which replaces X-Forwarded-For; the client's own Forwarded
        // got through. The disagreement must not turn every request into 127.0.0.1.
        try await withServe(["--forwarded-headers", "both"]) { server in
            let json = try await Curl.request(
                server.url + "/whoami",
                headers: ["X-Forwarded-For: 198.51.100.7", "Forwarded: for=203.0.113.66", "X-Forwarded-Proto: asdf"]
            ).json()
            #expect(json["client"] as? String == "198.51.100.7", "\(json)")
            #expect(json["via"] as? String == "x-forwarded-for", "\(json)")
            #expect(json["decision"] as? String == "headers-disagree", "\(json)")
            #expect(json["scheme"] as? String == "http", "\(json)")
        }
    }

    @Test func authoritativeForwardedWinsWhenConfigured() async throws {
        try await withServe(["--forwarded-headers", "both", "--authoritative-headers", "forwarded"]) { server in
            let json = try await Curl.request(
                server.url + "/whoami",
                headers: ["X-Forwarded-For: 203.0.113.66", "Forwarded: for=198.51.100.7;proto=wss"]
            ).json()
            #expect(json["client"] as? String == "198.51.100.7", "\(json)")
            #expect(json["via"] as? String == "forwarded", "\(json)")
            #expect(json["scheme"] as? String == "https", "\(json)")
        }
    }

    @Test func untrustedConfigurationIgnoresForgedHeaders() async throws {
        // The trusted proxy is elsewhere: curl on loopback is just a client.
        try await withServe(["--trust", "10.0.0.2"]) { server in
            let json = try await Curl.request(server.url + "/whoami", headers: Self.forged).json()
            #expect(json["client"] as? String == "127.0.0.1")
            #expect(json["via"] as? String == "peer")
            #expect(json["scheme"] as? String == "http")
            #expect(json["host"] as? String != "evil.example")
        }
    }

    @Test func unixSocketWithUnixTrusted() async throws {
        let directory = try TemporaryDirectory("greenroom-sock")
        chmod(directory.path, 0o777)
        let path = directory.file("app.sock")
        let server = try await ServeProcess.start(
            ["--unix", path, "--trust", "unix"],
            readiness: .unix(path),
            logDirectory: directory
        )
        #expect(server.startupURL == "http+unix://" + path)
        var info = stat()
        #expect(lstat(path, &info) == 0 && info.st_mode & 0o777 == 0o660)
        let json = try await Curl.request(
            "http://app/whoami",
            headers: ["X-Forwarded-For: 198.51.100.7"],
            unixSocket: path
        ).json()
        #expect(json["client"] as? String == "198.51.100.7")
        #expect(server.stop() == 0)
    }

    @Test(arguments: [
        (["serve", "--host", "0.0.0.0", "--port", "8000"], "[GR001]"),
        (["serve", "--host", "192.0.2.10", "--port", "8000"], "[GR002]"),
        (["serve", "--port", "80"], "[GR006]"),
        (["serve", "--config", "/nonexistent/greenroom.yml"], "/nonexistent/greenroom.yml:1:1: no such file"),
        (["serve", "--trust", "0.0.0.0/0"], "--trust"),
        (["serve", "--host", "example.com"], "is not an IP address"),
        (["serve", "--bogus-flag"], "Unknown option '--bogus-flag'"),
        // The cluster topology: only the pod's private address, trusting exactly the gateway range.
        (["serve", "--cluster", "--host", "0.0.0.0", "--port", "8000", "--trust", "10.244.0.0/16"], "[GR002]"),
        (["serve", "--cluster", "--port", "8000"], "refusing the cluster topology"),
        (["serve", "--cluster", "--host", "10.244.3.7", "--port", "8000"], "gateway pods' range"),
    ])
    func refusalsExitWithTwoAndNameTheFix(_ arguments: [String], _ expected: String) async throws {
        let result = try await GreenroomBinary.runUnprivileged(arguments)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(expected), "\(result)")
        #expect(!result.stdout.contains("starting up"))
        #expect(result.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("greenroom: ") }, "\(result)")
    }

    @Test func rootIsRefused() async throws {
        try TestEnvironment.requireRoot("the root refusal can only be shown for real as root")
        let result = try await GreenroomBinary.run(["serve", "--port", "0"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("refusing to run as root"))
    }

    @Test func allowPublicPrintsNavigableAddressesNeverTheWildcard() async throws {
        let logs = try TemporaryDirectory("greenroom-serve")
        let server = try await ServeProcess.start(
            ["--host", "0.0.0.0", "--port", "0", "--allow-public"],
            readiness: .startupLine,
            logDirectory: logs
        )
        #expect(server.stop() == 0)
        let startup = server.output.split(separator: "\n").filter { $0.hasPrefix("greenroom starting up on ") }
        #expect(startup.contains { $0.hasPrefix("greenroom starting up on http://127.0.0.1:") }, "\(server.output)")
        #expect(!startup.contains { $0.contains("0.0.0.0") || $0.contains("[::]") }, "\(server.output)")
    }

    @Test(arguments: ["text", "json"])
    func accessLogHasOneLinePerRequest(_ format: String) async throws {
        try await withServe(["--access-log", format]) { server in
            _ = try await Curl.request(server.url + "/healthz?token=secret", headers: ["X-Forwarded-For: 198.51.100.7"])
            // The access log is written after the response: wait for the line, with a deadline.
            let deadline = ContinuousClock.now + .seconds(5)
            while !server.output.contains("198.51.100.7"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let lines = server.output.split(separator: "\n").filter { $0.contains("198.51.100.7") }
            #expect(lines.count == 1, "\(server.output)")
            guard let line = lines.first.map(String.init) else { return }
            #expect(!line.contains("secret"))
            if format == "text" {
                // An RFC 3339 time in UTC with milliseconds first: 2026-12-05T02:50:01.123Z.
                let time = line.prefix(while: { $0 != " " })
                #expect(time.count == 24 && time.hasSuffix("Z") && time.dropFirst(10).first == "T", "\(line)")
                #expect(line.dropFirst(25).hasPrefix("198.51.100.7 \"GET /healthz\" 200 2 "), "\(line)")
                #expect(line.hasSuffix("via=x-forwarded-for peer=127.0.0.1"), "\(line)")
            } else {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["message"] as? String == "request")
                #expect((object?["time"] as? String)?.count == 24, "\(line)")
                #expect(object?["greenroom.client"] as? String == "198.51.100.7")
                #expect(object?["greenroom.via"] as? String == "x-forwarded-for")
                #expect(object?["http.status"] as? Int == 200)
                #expect(object?["http.path"] as? String == "/healthz")
            }
        }
    }
}
