import Foundation
import GreenroomCore
import GreenroomDeploy
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `nginx -s reload` every half second while four keep-alive clients load `greenroom serve` through the nginx
/// site `greenroom generate nginx` writes: zero failed requests.
///
/// A reload replaces nginx's workers; the old ones close their idle upstream keep-alive
/// connections and finish the requests they have. The app must not turn that churn into 502s:
/// every response is a whole `200`, and nginx logs no upstream error (an error it retried on
/// another connection would still show there). The generated upstream keeps connections idle
/// for less than the app's idle timeout, so nginx never reuses a connection the app is closing;
/// the app's idle timeout is short here (4 s, nginx 2 s) so that expiry happens during the run too.
///
/// A client's keep-alive connection to nginx that nginx itself closes while idle (old workers
/// close theirs on reload; `return 200` without any upstream does the same) is retried on a new
/// connection, as HTTP clients do; it is counted, not failed.
@Suite(.serialized) struct FaultReloadTests {
    static let reloads = 10
    static let reloadEvery: Duration = .milliseconds(500)

    static func spec(app: UInt16, proxy: UInt16) -> DeploymentSpec {
        var spec = DeploymentSpec()
        spec.app.listen = .tcp(host: .loopbackV4, port: app)
        spec.app.limits.idleTimeout = .seconds(4)
        spec.app.limits.headerTimeout = .seconds(2)
        spec.app.limits.shutdownTimeout = .seconds(3)
        spec.proxy.serverNames = ["localhost"]
        spec.proxy.httpListen = [ProxySpec.ListenAddress(host: "127.0.0.1", port: proxy)]
        return spec
    }

    @Test func reloadingNginxUnderLoadFailsNoRequest() async throws {
        let nginxPath = try NginxServer.executable()
        let scratch = try TemporaryDirectory("greenroom-reload")
        try await retryingOnPortConflict {
            let ports = try FreePort.allocate(2)
            let spec = Self.spec(app: ports[0], proxy: ports[1])
            #expect(spec.problems().isEmpty, "\(spec.problems())")
            let files = try DeploymentFixtures.write(
                try Generator(spec: spec).files(for: .nginx),
                into: scratch,
                "site"
            )
            let serve = try await ServeProcess.start(
                spec.app.serveArguments + ["--access-log", "off"],
                readiness: .tcp(ports[0]),
                logDirectory: scratch
            )
            defer { serve.stop() }
            let nginx = try await NginxServer.start(in: scratch, httpIncludes: files, ports: [ports[1]])
            defer { nginx.stop() }

            let loop = RequestLoop(port: ports[1], workers: 4, pause: .milliseconds(2))
            let stop = StopFlag()
            let load = Task { try await loop.run { stop.isRaised } }
            defer { stop.raise() }
            try await waitUntil("the load to be served through nginx") { loop.served.count >= 100 }

            var reloadFailures: [String] = []
            for _ in 0..<Self.reloads {
                try await Task.sleep(for: Self.reloadEvery)
                let reload = try await ProcessRunner.run(
                    nginxPath,
                    [
                        "-p", nginx.prefix, "-e", "\(nginx.prefix)/logs/error.log", "-c", "\(nginx.prefix)/nginx.conf",
                        "-s", "reload",
                    ],
                    timeout: .seconds(10)
                )
                if !reload.succeeded { reloadFailures.append("\(reload)") }
            }
            try await Task.sleep(for: Self.reloadEvery)
            stop.raise()
            let tally = try await load.value

            #expect(reloadFailures.isEmpty, "\(reloadFailures)")
            let reloaded = nginx.errorLog.components(separatedBy: "(SIGHUP) received").count - 1
            #expect(reloaded == Self.reloads, "nginx reloaded \(reloaded) times:\n\(nginx.errorLog)")
            #expect(tally.failures == 0, "\(tally)")
            #expect(tally.refused == 0, "a new connection to nginx got no answer: \(tally)")
            #expect(tally.ok >= 500, "\(tally)")
            let problems = nginx.errorLog.split(separator: "\n").filter {
                !$0.contains("[notice]") && !$0.contains("[info]")
            }
            #expect(problems.isEmpty, "nginx logged upstream trouble:\n\(problems.joined(separator: "\n"))")
            #expect(serve.process.isRunning)
            print("nginx reload under load: \(tally)")
            // Stopped here, without blocking a thread of the shared pool (the defers are the safety net).
            kill(nginx.process.pid, SIGTERM)
            try await waitUntil("nginx to stop") { !nginx.process.isRunning }
            #expect(try await serve.terminate(timeout: .seconds(10)).status == 0, "\(serve.output)")
        }
    }
}
