#if Vapor
public import GreenroomCore
public import GreenroomServer
public import Vapor

/// Refuses to boot a Vapor app whose HTTP server would listen where `greenroom serve` refuses to:
/// a wildcard address while a proxy is trusted, a public address without
/// `ServerConfiguration/allowPublic`, a port below 1024, or as root.
///
/// It runs `DeploymentPolicy` against the address in `app.http.server.configuration` (hostname and
/// port, or unix socket) and the trust in `configuration`, before the server starts:
///
/// ```swift
/// app.lifecycle.use(GreenroomStartupCheck(configuration: trust))
/// try await app.execute()   // throws DeploymentPolicyRefusal naming GR001 for 0.0.0.0
/// ```
///
/// Booting throws a `DeploymentPolicyRefusal` whose violations name their `RuleID`; warnings
/// (refusals the configuration opted out of in `ServerConfiguration/optIns`) are logged. It also
/// throws `ConfigurationError` when ``GreenroomMiddleware`` is installed behind another middleware
/// (Vapor's route logging and error middleware excepted), which would see an untrusted peer's
/// forwarding headers.
///
/// Vapor's `serve --hostname`/`-H`, `--port`/`-p`, `--bind`/`-b` and `--unix-socket` replace the
/// configured address when the server starts, after boot; the check reads them from the app's
/// arguments (`app.environment`) the way `serve` does and judges the address they name. An app
/// that starts its server some other way (its own command, `app.server.start(address:)`) is
/// judged by its configured address only: run it on Greenroom's server
/// (`app.servers.use(.greenroom(...))`), which checks the address it binds.
public struct GreenroomStartupCheck: LifecycleHandler {
    /// The trust, opt-ins and exemptions the policy judges; its `bind` is replaced by Vapor's.
    public let configuration: ServerConfiguration

    /// A check of `configuration`'s trust against the address Vapor's server will bind.
    public init(configuration: ServerConfiguration = ServerConfiguration()) {
        self.configuration = configuration
    }

    /// Runs the check before boot.
    public func willBoot(_ application: Application) throws {
        try check(application)
    }

    /// Runs the check before boot.
    public func willBootAsync(_ application: Application) async throws {
        try check(application)
    }

    /// The policy's violations for `application`'s HTTP server address; empty when it may start.
    /// The policy judges IP addresses only; ``check(_:)`` also refuses a host name.
    /// A `serve` flag that cannot be read gives no violation here; ``check(_:)`` throws for it.
    public func violations(for application: Application) -> [PolicyViolation] {
        violations(at: (try? Self.servedAddress(application)) ?? Self.configuredAddress(application))
    }

    /// The policy's violations for a server on `bind` with this check's trust.
    private func violations(at bind: BindTarget) -> [PolicyViolation] {
        var judged = configuration
        judged.bind = bind
        return judged.policyViolations()
    }

    /// Throws `DeploymentPolicyRefusal` when the policy refuses `application`'s address; logs
    /// the warnings otherwise.
    ///
    /// A host that is not an IP address (a DNS name) throws `ConfigurationError`, as `serve --host`
    /// does: the policy judges addresses, and Vapor would bind whatever the name resolves to.
    public func check(_ application: Application) throws {
        try Self.checkMiddlewareOrder(application.middleware.resolve())
        let bind = try Self.servedAddress(application)
        try bind.requireIPAddress(naming: "Vapor's server hostname")
        let violations = violations(at: bind)
        if DeploymentPolicy.refuses(violations) { throw DeploymentPolicyRefusal(violations: violations) }
        for warning in violations {
            application.logger.warning(
                "deployment policy",
                metadata: ["greenroom.rule": "\(warning.rule)", "greenroom.message": "\(warning.message)"]
            )
        }
    }

    /// Vapor's own middleware that may run before ``GreenroomMiddleware``: they read no
    /// forwarding header and no client address.
    static let harmlessInFront: Set<ObjectIdentifier> = [
        ObjectIdentifier(RouteLoggingMiddleware.self), ObjectIdentifier(ErrorMiddleware.self),
    ]

    /// Throws when a ``GreenroomMiddleware`` is installed behind a middleware other than Vapor's
    /// route logging and error middleware: that one would see an untrusted peer's forwarding
    /// headers, and `req.peerAddress` before Greenroom pinned it.
    static func checkMiddlewareOrder(_ middleware: [any Middleware]) throws {
        guard let index = middleware.firstIndex(where: { $0 is GreenroomMiddleware }) else { return }
        let inFront = middleware[..<index].filter { !harmlessInFront.contains(ObjectIdentifier(type(of: $0))) }
        guard !inFront.isEmpty else { return }
        let names = inFront.map { "\(type(of: $0))" }.joined(separator: ", ")
        throw ConfigurationError(
            "GreenroomMiddleware runs after \(names), which would see forwarding headers from untrusted "
                + "peers; install it first: app.middleware.use(GreenroomMiddleware(...), at: .beginning)"
        )
    }

    /// The address Vapor's server binds: the configured one, or the one `serve`'s flags name.
    static func servedAddress(_ application: Application) throws -> BindTarget {
        let configured = application.http.server.configuration
        return bindTarget(try ServeFlags.address(for: application.environment.commandInput, configured: configured))
    }

    /// The address in `app.http.server.configuration`.
    static func configuredAddress(_ application: Application) -> BindTarget {
        bindTarget(application.http.server.configuration.address)
    }

    /// Greenroom's name for a Vapor bind address, Vapor's defaults filled in.
    static func bindTarget(_ address: BindAddress) -> BindTarget {
        switch address {
        case .unixDomainSocket(let path):
            return .unix(path: path)
        case .hostname(let host, let port):
            return .tcp(
                host: host ?? Vapor.HTTPServer.Configuration.defaultHostname,
                port: port ?? Vapor.HTTPServer.Configuration.defaultPort
            )
        }
    }
}
#endif
