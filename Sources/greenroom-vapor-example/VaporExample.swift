#if Vapor
import ArgumentParser
import GreenroomDeploy
import GreenroomServer
import GreenroomVapor
import Foundation
import Vapor

/// `greenroom-vapor-example`: the Vapor app of App.swift, with `greenroom serve`'s flags.
///
/// `--host`, `--port`, `--trust`, `--proxy-protocol` and `--forwarded-headers` mean what they mean
/// for `serve` (the same `ServeFlags`). It prints serve's start-up line, and refuses (exit 2) what
/// serve refuses. Vapor's own HTTP server runs unless the PROXY protocol is on or `--server
/// greenroom` is given: then Greenroom's server does (`app.servers.use(.greenroom(...))`).
@main
struct VaporExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greenroom-vapor-example",
        abstract: "A Vapor app (/, /whoami) with Greenroom's trust layer."
    )

    @ArgumentParser.Option(help: "The address to listen on. Default: 127.0.0.1.")
    var host: String?

    @ArgumentParser.Option(help: "The TCP port to listen on (0 picks a free one). Default: 8000.")
    var port: Int?

    @ArgumentParser.Option(
        help: ArgumentHelp("A trusted proxy: a CIDR, an address, 'loopback' or 'unix'. Repeatable.", valueName: "CIDR")
    )
    var trust: [String] = []

    @ArgumentParser.Option(
        help: "Expect a PROXY protocol header from trusted proxies: off, optional or required. Default: off."
    )
    var proxyProtocol: ProxyProtocolMode?

    @ArgumentParser.Option(
        help: "Which forwarding headers to read: x-forwarded, forwarded or both. Default: x-forwarded."
    )
    var forwardedHeaders: ForwardedResolver.HeaderPolicy?

    @ArgumentParser.Option(
        help: "The HTTP server: vapor (Vapor's own) or greenroom. Default: greenroom with --proxy-protocol, else vapor."
    )
    var server: ServerChoice?

    enum ServerChoice: String, ExpressibleByArgument, CaseIterable {
        case vapor, greenroom
    }

    func run() async throws {
        var flags = ServeFlags()
        (flags.host, flags.port, flags.trust) = (host, port, trust)
        (flags.proxyProtocol, flags.forwardedHeaders) = (proxyProtocol, forwardedHeaders)
        let trust: ServerConfiguration
        do {
            trust = try flags.configuration()
            try trust.validate()
        } catch {
            Self.fail("\(error)")
        }
        let choice = server ?? ((proxyProtocol ?? .off) == .off ? .vapor : .greenroom)
        if choice == .vapor, trust.proxyProtocol != .off {
            Self.fail("--proxy-protocol needs --server greenroom: Vapor's HTTP server cannot read PROXY headers")
        }

        let app = try await Application.make(Environment(name: "production", arguments: ["vapor", "serve"]))
        if choice == .greenroom { app.servers.use(.greenroom(trust)) }
        if case .tcp(let host, let port) = trust.bind {
            (app.http.server.configuration.hostname, app.http.server.configuration.port) = (host, port)
        }
        configure(app, trust: trust)
        do {
            try await app.startup()
        } catch let refusal as DeploymentPolicyRefusal {
            try await app.asyncShutdown()
            Self.fail(refusal.description.replacingOccurrences(of: "greenroom: ", with: ""))
        }
        for line in StartupBanner.lines(for: Self.boundAddress(app, trust: trust, choice: choice)) {
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        try await app.running?.onStop.get()
        try await app.asyncShutdown()
    }

    /// Where the server listens, port 0 resolved.
    static func boundAddress(_ app: Application, trust: ServerConfiguration, choice: ServerChoice) -> BindTarget {
        if choice == .greenroom, let server = app.server as? GreenroomVaporServer, let bound = server.boundAddress {
            return bound
        }
        if let address = app.http.server.shared.localAddress, case .ip(let ip, let port?) = Peer(address) {
            return .tcp(host: ip.description, port: Int(port))
        }
        return trust.bind
    }

    static func fail(_ message: String) -> Never {
        for line in message.split(separator: "\n") { FileHandle.standardError.write(Data("greenroom: \(line)\n".utf8)) }
        Self.exit(withError: ExitCode(2))
    }
}

extension ProxyProtocolMode: ExpressibleByArgument {}
extension ForwardedResolver.HeaderPolicy: ExpressibleByArgument {}
#else
import ArgumentParser

/// Built without the `Vapor` trait. Still a command, so that tools which ask every executable
/// for its help (swift-argument-parser's generate-manual plugin) get an answer.
@main
struct VaporExample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Built without the Vapor trait: swift run --traits Vapor greenroom-vapor-example"
    )

    func run() throws {
        print(Self.configuration.abstract)
        throw ExitCode.failure
    }
}
#endif
