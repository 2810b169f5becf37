#if Vapor
import GreenroomServer
import GreenroomVapor
import Foundation
import NIOCore
import Testing
import Vapor

#if canImport(Glibc)
import Glibc
#endif

/// A Vapor app on a loopback port, the way a test drives it through one of the adapter's two
/// paths: Vapor's own server with ``GreenroomMiddleware``, or Greenroom's server (the provider).
///
/// Routes: `/whoami` (the resolved client as serve's JSON), `/headers` (the request's header
/// names, comma-joined, in `x-headers`), `/peer` (Vapor's `req.peerAddress` and `remoteAddress`).
struct VaporTestApp {
    /// How the app is served.
    enum Path: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// Vapor's HTTP server, ``GreenroomMiddleware`` first.
        case middleware
        /// Greenroom's server (`app.servers.use(.greenroom(...))`).
        case provider
        var testDescription: String { rawValue }
    }

    let app: Application
    let bound: BindTarget

    /// A configuration for tests: loopback, port 0, and allowed to run as root (the tests may).
    static func configuration(trust: TrustedProxies = .loopback) -> ServerConfiguration {
        var configuration = ServerConfiguration(bind: .tcp(host: "127.0.0.1", port: 0), trustedProxies: trust)
        configuration.accessLog = false
        if geteuid() == 0 { configuration.policyExemptions = [.specRootUser] }
        return configuration
    }

    /// Runs `body` with an app served through `path`, then shuts it down.
    static func with<T>(
        _ path: Path,
        _ configuration: ServerConfiguration = configuration(),
        routes: (Application) -> Void = { _ in },
        _ body: (VaporTestApp) async throws -> T
    ) async throws -> T {
        let app = try await start(path, configuration, routes: routes)
        do {
            let result = try await body(app)
            try await app.stop()
            return result
        } catch {
            try? await app.stop()
            throw error
        }
    }

    /// Starts an app; call ``stop()`` after.
    static func start(
        _ path: Path,
        _ configuration: ServerConfiguration,
        routes: (Application) -> Void = { _ in }
    ) async throws -> VaporTestApp {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        do {
            switch path {
            case .middleware:
                app.middleware.use(GreenroomMiddleware(configuration: configuration), at: .beginning)
                app.lifecycle.use(GreenroomStartupCheck(configuration: configuration))
                if case .tcp(let host, let port) = configuration.bind {
                    app.http.server.configuration.hostname = host
                    app.http.server.configuration.port = port
                }
            case .provider:
                app.servers.use(.greenroom(configuration))
            }
            addRoutes(app)
            routes(app)
            try await app.asyncBoot()
            try await app.server.start(address: nil)
            return VaporTestApp(app: app, bound: try bound(app, path: path))
        } catch {
            await app.server.shutdown()
            try? await app.asyncShutdown()
            throw error
        }
    }

    func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    private static func bound(_ app: Application, path: Path) throws -> BindTarget {
        switch path {
        case .provider:
            return try #require((app.server as? GreenroomVaporServer)?.boundAddress)
        case .middleware:
            let address = try #require(app.http.server.shared.localAddress)
            return .tcp(host: "127.0.0.1", port: try #require(address.port))
        }
    }

    private static func addRoutes(_ app: Application) {
        app.get("whoami") { req in
            Vapor.Response(
                headers: ["content-type": "application/json"],
                body: .init(string: req.greenroom.client.json)
            )
        }
        app.get("headers") { req in
            Vapor.Response(headers: ["x-headers": req.headers.map { $0.name.lowercased() }.joined(separator: ",")])
        }
        app.get("peer") { req in
            "\(req.peerAddress?.ipAddress ?? "nil") \(req.remoteAddress?.ipAddress ?? "nil")"
        }
    }

    /// A new raw connection to the app.
    func connect() async throws -> TestClient {
        try await TestClient.connect(to: bound)
    }

    /// Sends one request (text with `\r\n` line ends) on a new connection and reads the response.
    func request(_ text: String, prefix: [UInt8] = []) async throws -> TestResponse? {
        let client = try await connect()
        try await client.send(prefix + Array(text.utf8))
        let response = try await client.readResponse()
        await client.close()
        return response
    }

    /// `GET /whoami` with `headers`, decoded.
    func whoami(_ headers: [(name: String, value: String)], prefix: [UInt8] = []) async throws -> Whoami {
        // A row that names its own Host gets no second one (Greenroom's server answers 400 to two).
        let host = headers.contains { $0.name.lowercased() == "host" } ? "" : "Host: app.example\r\n"
        let lines = headers.map { "\($0.name): \($0.value)\r\n" }.joined()
        let response = try #require(
            try await request("GET /whoami HTTP/1.1\r\n\(host)\(lines)Connection: close\r\n\r\n", prefix: prefix)
        )
        #expect(response.status == 200, "\(response.body)")
        return try Whoami(json: response.body)
    }
}

/// The fields of serve's `/whoami` JSON that the tests compare.
struct Whoami: Sendable {
    var client: String
    var clientPort: UInt16?
    var peer: String
    var scheme: String
    var host: String?
    var via: String
    var decision: String

    init(json: String) throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            "not a JSON object: \(json)"
        )
        client = try #require(object["client"] as? String)
        clientPort = (object["client_port"] as? Int).map { UInt16($0) }
        peer = try #require(object["peer"] as? String)
        scheme = try #require(object["scheme"] as? String)
        host = object["host"] as? String
        via = try #require(object["via"] as? String)
        decision = try #require(object["decision"] as? String)
    }
}
#endif
