#if Vapor
import GreenroomCore
import GreenroomServer
import GreenroomVapor
import Testing
import Vapor

/// The start-up policy `greenroom serve` applies, applied to Vapor apps: at boot against Vapor's
/// server address, and by Greenroom's server against the address it binds.
@Suite struct StartupPolicyTests {
    @Test func bootRefusesAWildcardBindWhileTrustingAProxy() async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        app.http.server.configuration.hostname = "0.0.0.0"
        app.http.server.configuration.port = 8080
        app.lifecycle.use(GreenroomStartupCheck(configuration: VaporTestApp.configuration()))
        await #expect {
            try await app.asyncBoot()
        } throws: { error in
            let refusal = error as? DeploymentPolicyRefusal
            return refusal?.violations.map(\.rule).contains(.specWildcardBind) == true
                && refusal?.description.contains("[GR001]") == true
        }
        try await app.asyncShutdown()
    }

    @Test func bootAcceptsLoopbackAndTheOptIn() async throws {
        for (host, optIns) in [("127.0.0.1", Set<StartupOptIn>()), ("0.0.0.0", [.wildcardBind])] {
            let app = try await Application.make(.testing)
            app.logger.logLevel = .critical
            app.http.server.configuration.hostname = host
            var configuration = VaporTestApp.configuration()
            configuration.optIns = optIns
            app.lifecycle.use(GreenroomStartupCheck(configuration: configuration))
            try await app.asyncBoot()
            try await app.asyncShutdown()
        }
    }

    @Test func checkSeesVaporsUnixSocketAndPrivilegedPort() async throws {
        let app = try await Application.make(.testing)
        let check = GreenroomStartupCheck(configuration: VaporTestApp.configuration())
        app.http.server.configuration.address = .hostname("127.0.0.1", port: 80)
        #expect(check.violations(for: app).map(\.rule) == [.specPrivilegedPort])
        app.http.server.configuration.address = .unixDomainSocket(path: "/tmp/greenroom-vapor-\(getpid()).sock")
        #expect(check.violations(for: app).isEmpty)
        try await app.asyncShutdown()
    }

    /// A host name is not judged by the policy (it only knows addresses), and Vapor would bind
    /// whatever it resolves to (`0.0.0.0.nip.io` is 0.0.0.0): refused, as `serve --host` refuses it.
    @Test(arguments: ["0.0.0.0.nip.io", "example.com", "", "*"])
    func bootRefusesAHostThatIsNotAnAddress(_ host: String) async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        app.http.server.configuration.hostname = host
        app.lifecycle.use(GreenroomStartupCheck(configuration: VaporTestApp.configuration()))
        await #expect {
            try await app.asyncBoot()
        } throws: { error in
            host.isEmpty || host == "*"
                ? (error as? DeploymentPolicyRefusal)?.violations.map(\.rule).contains(.specWildcardBind) == true
                : (error as? ConfigurationError)?.message.contains("'\(host)' is not an IP address") == true
        }
        try await app.asyncShutdown()
    }

    /// Vapor's `serve --hostname/-H`, `--port/-p`, `--bind/-b` and `--unix-socket` replace the
    /// configured address after boot: the check judges the address they name, parsed as Vapor's
    /// serve command parses them (serve is the default command, so it may be left out).
    @Test(arguments: [
        (["serve", "--hostname", "0.0.0.0"], [RuleID.specWildcardBind]),
        (["serve", "-H", "::"], [.specWildcardBind]),
        (["--hostname", "0.0.0.0", "--port", "8080"], [.specWildcardBind]),
        (["serve", "--bind", "0.0.0.0:8080"], [.specWildcardBind]),
        (["serve", "-b", "0.0.0.0"], [.specWildcardBind]),
        (["serve", "--port", "80"], [.specPrivilegedPort]),
        (["serve", "-p", "443", "-H", "127.0.0.1"], [.specPrivilegedPort]),
        (["serve", "--hostname", "127.0.0.1", "--port", "8081"], []),
        (["serve", "--unix-socket", "/tmp/greenroom-vapor.sock"], []),
        (["routes", "--hostname", "0.0.0.0"], []),
    ])
    func bootJudgesTheAddressServesFlagsName(arguments: [String], rules: [RuleID]) async throws {
        let app = try await Application.make(Environment(name: "testing", arguments: ["app"] + arguments))
        app.logger.logLevel = .critical
        app.http.server.configuration.address = .hostname("127.0.0.1", port: 8080)
        app.lifecycle.use(GreenroomStartupCheck(configuration: VaporTestApp.configuration()))
        if rules.isEmpty {
            try await app.asyncBoot()
        } else {
            await #expect("\(arguments)") {
                try await app.asyncBoot()
            } throws: { error in
                (error as? DeploymentPolicyRefusal)?.violations.map(\.rule) == rules
            }
        }
        try await app.asyncShutdown()
    }

    @Test func serveFlagsNamingAHostThatIsNotAnAddressAreRefused() async throws {
        let app = try await Application.make(
            Environment(name: "testing", arguments: ["app", "serve", "--hostname", "0.0.0.0.nip.io"])
        )
        app.logger.logLevel = .critical
        app.lifecycle.use(GreenroomStartupCheck(configuration: VaporTestApp.configuration()))
        await #expect {
            try await app.asyncBoot()
        } throws: { error in
            (error as? ConfigurationError)?.message.contains("'0.0.0.0.nip.io' is not an IP address") == true
        }
        try await app.asyncShutdown()
    }

    /// A middleware that runs before Greenroom's sees an untrusted peer's forwarding headers
    /// (and Vapor's `req.peerAddress` before it is pinned): boot refuses that order, naming it.
    /// Vapor's own route logging and error middleware read neither and may stay in front.
    @Test func bootRefusesMiddlewareInFrontOfGreenrooms() async throws {
        struct ReadsHeaders: AsyncMiddleware {
            func respond(to request: Vapor.Request, chainingTo next: any AsyncResponder) async throws -> Vapor.Response
            {
                try await next.respond(to: request)
            }
        }
        for first in [true, false] {
            let app = try await Application.make(.testing)
            app.logger.logLevel = .critical
            app.http.server.configuration.address = .hostname("127.0.0.1", port: 8080)
            let configuration = VaporTestApp.configuration()
            if first {
                app.middleware.use(ReadsHeaders())
                app.middleware.use(GreenroomMiddleware(configuration: configuration), at: .beginning)
            } else {
                app.middleware.use(ReadsHeaders())
                app.middleware.use(GreenroomMiddleware(configuration: configuration))
            }
            app.lifecycle.use(GreenroomStartupCheck(configuration: configuration))
            if first {
                try await app.asyncBoot()
            } else {
                await #expect {
                    try await app.asyncBoot()
                } throws: { error in
                    (error as? ConfigurationError)?.message.contains("ReadsHeaders") == true
                }
            }
            try await app.asyncShutdown()
        }
    }

    @Test func providerRefusesAWildcardBindWhileTrustingAProxy() async throws {
        var configuration = VaporTestApp.configuration()
        configuration.bind = .tcp(host: "0.0.0.0", port: 0)
        await #expect {
            try await VaporTestApp.with(.provider, configuration) { _ in }
        } throws: { error in
            (error as? DeploymentPolicyRefusal)?.violations.map(\.rule).contains(.specWildcardBind) == true
        }
    }

    @Test func providerChecksTheAddressGivenToServe() async throws {
        let app = try await Application.make(.testing)
        app.servers.use(.greenroom(VaporTestApp.configuration()))
        await #expect {
            try await app.server.start(address: .hostname("::", port: 0))
        } throws: { error in
            (error as? DeploymentPolicyRefusal)?.violations.map(\.rule).contains(.specWildcardBind) == true
        }
        try await app.asyncShutdown()
    }
}
#endif
