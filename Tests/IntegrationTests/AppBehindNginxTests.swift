import Foundation
import Testing

/// Each app executable (``AppExecutable``: `greenroom serve`, the Hummingbird example, ...) behind a
/// real nginx running the site `greenroom generate nginx` wrote, with `curl` as the client: the
/// headers a client forges change nothing, `/` and `/whoami` answer as `serve` does, and
/// `greenroom check --live --probe-url` is clean. One row per executable; the same flags for all.
@Suite(.serialized) struct AppBehindNginxTests {
    @Test(arguments: AppExecutable.built)
    func behindTheGeneratedNginxSite(_ app: AppExecutable) async throws {
        _ = try NginxServer.executable()
        let home = try TemporaryDirectory("greenroom-app-nginx")
        let spec = home.file("greenroom.yml")
        let initialized = try await GreenroomBinary.run(["init"], currentDirectory: home.path)
        #expect(initialized.succeeded, "\(initialized)")
        let certificate = try await SelfSignedCertificate.make(in: home)
        try await retryingOnPortConflict {
            try await withTeardown { teardown in
                let ports = try FreePort.allocate(3)
                let (appPort, http, https) = (ports[0], ports[1], ports[2])
                var adapted = QuickStartSpec(try String(contentsOfFile: spec, encoding: .utf8))
                try adapted.adapt(
                    app: appPort,
                    http: http,
                    https: https,
                    certificate: certificate,
                    acmeWebroot: try home.makeDirectory("acme")
                )
                try home.write("greenroom.yml", adapted.text)
                let generated = try await GreenroomBinary.run(
                    ["generate", "nginx", "--out", "deploy-out", "--force"],
                    currentDirectory: home.path
                )
                #expect(generated.succeeded, "\(generated)")
                let site = home.file("deploy-out/greenroom.conf")

                let process = try await app.start(
                    ["--host", "127.0.0.1", "--port", "\(appPort)", "--trust", "loopback"],
                    port: appPort,
                    logDirectory: home
                )
                teardown.add { _ = process.stop() }
                let nginx = try await NginxServer.start(in: home, httpIncludes: [site], ports: [http, https])
                teardown.add { nginx.stop() }

                let hello = try await Curl.request(
                    "https://localhost:\(https)/",
                    resolve: ["localhost:\(https):127.0.0.1"]
                )
                #expect(hello.status == 200 && hello.body == "Hello, World!", "\(app): \(hello)")

                let response = try await Curl.request(
                    "https://localhost:\(https)/whoami",
                    headers: ProxyWhoamiTests.forged,
                    resolve: ["localhost:\(https):127.0.0.1"]
                )
                let context = "\(app): \(response)\napp:\n\(process.output)"
                try #require(response.status == 200, "\(context)")
                #expect(response.header("content-type") == "application/json", "\(context)")
                let seen = try ProxyWhoamiTests.Whoami(response)
                #expect(seen.client == "127.0.0.1", "the real client, whatever it forged: \(context)")
                #expect(seen.scheme == "https", "\(context)")
                #expect(seen.host == "localhost", "\(context)")
                #expect(seen.via == "x-forwarded-for", "the app used what nginx told it: \(context)")
                let keys = try response.json().keys.sorted()
                #expect(
                    keys == [
                        "chain", "client", "client_port", "decision", "host", "peer", "port", "prefix", "scheme", "via",
                    ],
                    "\(context)"
                )

                // Forged or not, the same answer (but for the port nginx connected from).
                let plain = try await Curl.request(
                    "https://localhost:\(https)/whoami",
                    resolve: ["localhost:\(https):127.0.0.1"]
                )
                var forgedJSON = try response.json()
                var plainJSON = try plain.json()
                forgedJSON["client_port"] = nil
                plainJSON["client_port"] = nil
                #expect(NSDictionary(dictionary: forgedJSON) == NSDictionary(dictionary: plainJSON), "\(context)")

                let live = try await GreenroomCheck.run(
                    ["--config", spec, "--nginx", site, "--live", "--probe-url", "https://localhost:\(https)/"]
                )
                #expect(live.result.status == 0, "check --live must be clean for \(app): \(live)")
                #expect(live.findings.allSatisfy { $0.severity == "info" }, "no errors, no warnings: \(live)")
                let probe = live.findings("GR088")
                #expect(probe.count == 1 && probe[0].message.contains("the app saw client 127.0.0.1"), "\(live)")
            }
        }
    }
}
