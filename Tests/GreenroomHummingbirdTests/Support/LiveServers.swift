#if Hummingbird
import GreenroomHummingbird
import GreenroomServer
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The app the adapter tests serve: `/whoami` as `greenroom serve` answers it, `/headers` with the
/// header names the route saw, `/remote` with `RemoteAddressRequestContext.remoteAddress`.
func testRouter() -> Router<BasicGreenroomRequestContext> {
    let router = Router(context: BasicGreenroomRequestContext.self)
    router.get("/") { _, _ in "Hello, World!" }
    router.get("/whoami") { _, context in ClientAddressResponse(context.client) }
    router.get("/headers") { request, _ in
        request.headers.map { $0.name.canonicalName }.joined(separator: ",")
    }
    router.get("/remote") { _, context in context.remoteAddress.map { "\($0)" } ?? "none" }
    router.post("/echo") { request, _ in String(buffer: try await request.body.collect(upTo: 1 << 20)) }
    // Answers a second after the body is read: longer than the timeout tests' body timeout.
    router.post("/slow-echo") { request, _ in
        let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
        try await Task.sleep(for: .seconds(1))
        return body
    }
    return router
}

/// Runs `body` with the port of a Hummingbird app on `127.0.0.1:0` served by ``GreenroomHTTP1Channel``.
func withHummingbirdApp<T: Sendable>(
    _ options: GreenroomOptions,
    _ body: @Sendable (Int) async throws -> T
) async throws -> T {
    let port = Mutex<Int?>(nil)
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let app = Application(
        router: testRouter(),
        server: .greenroom(options),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } },
        logger: logger
    )
    return try await withRunning({ try await app.run() }, port: { port.withLock { $0 } }, body)
}

/// Runs `body` with the port of Greenroom's own server running `greenroom serve`'s app with the
/// same trust settings: the reference the adapter must match byte for byte.
func withGreenroomServer<T: Sendable>(
    _ options: GreenroomOptions,
    _ body: @Sendable (Int) async throws -> T
) async throws -> T {
    let port = Mutex<Int?>(nil)
    var configuration = GreenroomServer.ServerConfiguration(
        bind: .tcp(host: "127.0.0.1", port: 0),
        trustedProxies: options.trustedProxies,
        forwardedHeaders: options.forwardedHeaders,
        proxyProtocol: options.proxyProtocol
    )
    configuration.authoritativeHeaders = options.authoritativeHeaders
    configuration.accessLog = false
    configuration.policyExemptions = Set(DeploymentPolicy.rules)
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let server = HTTPServer(
        configuration: configuration,
        logger: logger,
        onListening: { bound in port.withLock { $0 = bound.port } },
        handler: BuiltInApp()
    )
    return try await withRunning({ try await server.run() }, port: { port.withLock { $0 } }, body)
}

/// Runs a server until `body` is done with its port; waits for the port with a deadline.
private func withRunning<T: Sendable>(
    _ run: @escaping @Sendable () async throws -> Void,
    port: @escaping @Sendable () -> Int?,
    _ body: @Sendable (Int) async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await run() }
        defer { group.cancelAll() }
        let deadline = ContinuousClock.now + .seconds(30)
        while port() == nil {
            guard ContinuousClock.now < deadline else { throw TestError("the server did not listen within 30 s") }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await body(port()!)
    }
}

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
#endif
