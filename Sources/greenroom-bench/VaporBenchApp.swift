#if Vapor
import Foundation
import GreenroomVapor
import Vapor

/// `greenroom-bench vapor-app --mode M --port N`: the app `greenroom-bench vapor` measures, one
/// process per scenario. `/` answers `Hello, World!`; `/whoami` the client as JSON.
enum VaporBenchApp {
    enum Mode: String, CaseIterable {
        /// Stock Vapor: `/whoami` reports `req.peerAddress`.
        case stock
        /// Stock Vapor with one middleware that only passes the request on: what any middleware
        /// costs in Vapor's chain, the floor under Greenroom's.
        case emptyMiddleware = "empty-middleware"
        /// Vapor's server with ``GreenroomMiddleware`` first.
        case middleware
        /// Greenroom's server (`app.servers.use(.greenroom(...))`).
        case provider

        var label: String {
            switch self {
            case .stock: "stock Vapor"
            case .emptyMiddleware: "stock Vapor + an empty middleware"
            case .middleware: "Vapor + Greenroom middleware"
            case .provider: "Vapor on Greenroom's server"
            }
        }
    }

    static func run(_ arguments: [String]) async throws -> Int32 {
        var parsed = BenchArguments(arguments)
        var mode = Mode.stock
        var port = 8080
        while let flag = parsed.next() {
            switch flag {
            case "--mode":
                let text = try parsed.value(flag)
                guard let value = Mode(rawValue: text) else { throw BenchError("--mode '\(text)' is not a mode") }
                mode = value
            case "--port": port = try parsed.number(flag)
            default: throw BenchError("unknown option \(flag)")
            }
        }
        var trust = ServerConfiguration(
            bind: .tcp(host: "127.0.0.1", port: port),
            trustedProxies: try TrustedProxies(parsing: ["loopback", "10.0.0.0/8"]),
            maxConnections: 25_000,
            idleTimeout: .seconds(600)
        )
        trust.accessLog = false
        // A bench, not a deployment: it may run as root.
        trust.policyExemptions = [.specRootUser]

        let app = try await Application.make(Environment(name: "production", arguments: ["vapor", "serve"]))
        app.logger.logLevel = .error
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = port
        switch mode {
        case .stock, .emptyMiddleware:
            if mode == .emptyMiddleware { app.middleware.use(PassThroughMiddleware(), at: .beginning) }
            app.get("whoami") { req in
                Vapor.Response(
                    headers: ["content-type": "application/json"],
                    body: .init(string: #"{"client":"\#(req.peerAddress?.ipAddress ?? "")"}"# + "\n")
                )
            }
        case .middleware, .provider:
            if mode == .middleware {
                app.middleware.use(GreenroomMiddleware(configuration: trust), at: .beginning)
            } else {
                app.servers.use(.greenroom(trust))
            }
            app.get("whoami") { req in
                Vapor.Response(
                    headers: ["content-type": "application/json"],
                    body: .init(string: req.greenroom.client.json + "\n")
                )
            }
        }
        app.get { _ in "Hello, World!" }
        try await app.execute()
        try await app.asyncShutdown()
        return 0
    }
}

/// A middleware that does nothing but call the next responder.
struct PassThroughMiddleware: Middleware {
    func respond(to request: Vapor.Request, chainingTo next: any Responder) -> EventLoopFuture<Vapor.Response> {
        next.respond(to: request)
    }
}
#endif
