import Foundation
import GreenroomDeploy
import Testing

/// `greenroom serve` and the framework examples, driven alike: the same flags, the same
/// `/whoami` JSON for the same request, and behind a real nginx site written by
/// `greenroom generate nginx`, forged forwarding headers from the client change nothing and
/// `greenroom check --live --probe-url` is clean.
@Suite(.serialized) struct BackendBehindNginxTests {
    /// One row per example; each only with its package trait.
    static let examples: [BackendExecutable] = {
        var rows: [BackendExecutable] = []
        #if Hummingbird
        rows.append(BackendExecutable(executable: "greenroom-hummingbird-example", prefix: []))
        #endif
        #if Vapor
        // Vapor's own server and the middleware (Greenroom's server once --proxy-protocol is on).
        rows.append(BackendExecutable(executable: "greenroom-vapor-example", prefix: []))
        rows.append(BackendExecutable(executable: "greenroom-vapor-example", prefix: ["--server", "greenroom"]))
        #endif
        return rows
    }()

    /// `serve` and every example built.
    static let all: [BackendExecutable] = [.serve] + examples

    /// serve's flags for the app of `spec` (what the example understands of them).
    static func arguments(port: UInt16) -> [String] {
        ["--host", "127.0.0.1", "--port", "\(port)", "--trust", "loopback", "--forwarded-headers", "x-forwarded"]
    }

    /// The JSON with the value of `client_port` blanked.
    static func portless(_ json: String) -> String {
        json.replacing(/"client_port":[0-9]+/, with: #""client_port":_"#)
    }

    @Test(arguments: examples)
    func whoamiIsWhatServeAnswersToTheSameRequest(_ backend: BackendExecutable) async throws {
        let scratch = try TemporaryDirectory()
        let requests: [[String]] = [
            ["Host: app.example"],
            ["Host: app.example", "X-Forwarded-For: 198.51.100.66, 203.0.113.9", "X-Forwarded-Proto: https"],
            ["Host: app.example", "X-Forwarded-For: garbage, 127.0.0.2"],
            ["Host: app.example", "Forwarded: for=198.51.100.77;proto=https", "X-Forwarded-For: 203.0.113.9"],
        ]
        try await retryingOnPortConflict {
            let ports = try FreePort.allocate(2)
            let serve = try await BackendExecutable.serve.start(
                Self.arguments(port: ports[0]),
                port: ports[0],
                logDirectory: scratch
            )
            defer { _ = serve.stop() }
            let example = try await backend.start(Self.arguments(port: ports[1]), port: ports[1], logDirectory: scratch)
            defer { _ = example.stop() }
            for headers in requests {
                let expected = try await Curl.request("http://127.0.0.1:\(ports[0])/whoami", headers: headers)
                let seen = try await Curl.request("http://127.0.0.1:\(ports[1])/whoami", headers: headers)
                #expect(seen.status == 200)
                #expect(seen.header("content-type") == "application/json")
                // The socket's port differs (two connections); every other byte is the same.
                #expect(Self.portless(seen.body) == Self.portless(expected.body), "\(headers)")
            }
            let hello = try await Curl.request("http://127.0.0.1:\(ports[1])/")
            #expect(hello.body == "Hello, World!")
        }
    }

    @Test(arguments: all)
    func forgedHeadersChangeNothingBehindGeneratedNginxAndTheProbeIsClean(_ backend: BackendExecutable) async throws {
        _ = try NginxServer.executable()
        let scratch = try TemporaryDirectory()
        let certificate = try await SelfSignedCertificate.make(in: scratch)
        try await retryingOnPortConflict {
            let ports = try FreePort.allocate(3)
            let (path, spec) = try CheckLiveTests.deploymentSpec(
                scratch,
                certificate,
                app: ports[0],
                http: ports[1],
                https: ports[2]
            )
            let site = try scratch.write(
                "nginx-site/site.conf",
                try Generator(spec: spec).files(for: .nginx)[0].contents
            )
            let app = try await backend.start(Self.arguments(port: ports[0]), port: ports[0], logDirectory: scratch)
            defer { _ = app.stop() }
            let nginx = try await NginxServer.start(in: scratch, httpIncludes: [site], ports: [ports[1], ports[2]])
            defer { nginx.stop() }

            let url = "https://localhost:\(ports[2])/whoami"
            let resolve = ["localhost:\(ports[2]):127.0.0.1"]
            let honest = try await Curl.request(url, resolve: resolve)
            let forged = try await Curl.request(url, headers: ProxyWhoamiTests.forged, resolve: resolve)
            #expect(honest.status == 200 && forged.status == 200, "\(forged)")
            #expect(forged.body == honest.body, "forged headers changed the answer")
            let json = try forged.json()
            #expect(json["client"] as? String == "127.0.0.1")
            #expect(json["scheme"] as? String == "https")
            #expect(json["host"] as? String == "localhost")
            #expect(json["via"] as? String == "x-forwarded-for")
            #expect(
                json.keys.sorted() == [
                    "chain", "client", "client_port", "decision", "host", "peer", "port", "prefix", "scheme", "via",
                ],
                "serve's /whoami fields, no more, no fewer: \(forged)"
            )
            let hello = try await Curl.request("https://localhost:\(ports[2])/", resolve: resolve)
            #expect(hello.status == 200 && hello.body == "Hello, World!", "\(backend): \(hello)")

            let (result, rules, findings) = try await CheckLiveTests.checkLive(
                path,
                ["--probe-url", "https://localhost:\(ports[2])/"]
            )
            #expect(result.status == 0, "\(result)")
            #expect(rules == ["GR088"], "\(result.stdout)")
            #expect(
                CheckLiveTests.message(findings, "GR088").contains("the app saw client 127.0.0.1 via x-forwarded-for")
            )
        }
    }

    /// `--proxy-protocol required`: curl's `--haproxy-protocol` header names the client; a
    /// connection without one is closed, as serve does.
    @Test(arguments: all)
    func theProxyProtocolFlagMeansWhatServeSays(_ backend: BackendExecutable) async throws {
        let scratch = try TemporaryDirectory()
        try await retryingOnPortConflict {
            let port = try FreePort.allocate()
            let app = try await backend.start(
                Self.arguments(port: port) + ["--proxy-protocol", "required"],
                port: port,
                logDirectory: scratch
            )
            defer { _ = app.stop() }
            let url = "http://127.0.0.1:\(port)/whoami"
            let proxied = try await Curl.request(
                url,
                headers: ["X-Forwarded-For: 198.51.100.66"],
                extraArguments: ["--haproxy-protocol"]
            )
            let json = try proxied.json()
            #expect(json["via"] as? String == "x-forwarded-for", "\(proxied)")
            #expect(json["chain"] as? [String] == ["127.0.0.1"], "\(proxied)")
            await #expect(throws: (any Error).self) { try await Curl.request(url) }
        }
    }

    @Test(arguments: all)
    func aWildcardBindWhileTrustingAProxyIsRefusedWithItsRule(_ backend: BackendExecutable) async throws {
        let port = try FreePort.allocate()
        let result = try await backend.run(["--host", "0.0.0.0", "--port", "\(port)", "--trust", "loopback"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("[GR001]"), "\(result)")
        #expect(!result.stdout.contains("starting up"), "\(result)")
    }

    #if Vapor
    @Test func vaporsOwnServerCannotBeAskedForThePROXYProtocol() async throws {
        let example = BackendExecutable(executable: "greenroom-vapor-example", prefix: ["--server", "vapor"])
        let result = try await example.run(["--port", "0", "--proxy-protocol", "required"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("--proxy-protocol needs --server greenroom"), "\(result)")
    }
    #endif
}
