import ArgumentParser
import GreenroomCore
import GreenroomDeploy
import GreenroomGuard
import GreenroomServer
import Logging
import Prometheus
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `greenroom serve`: runs the built-in app (`/`, `/healthz`, `/whoami`) on the green-thread
/// server, after the start-up guard agreed to the bind and trust settings.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the built-in app (/, /healthz, /whoami) behind your proxy.",
        discussion: """
            Listens on 127.0.0.1:8000 by default and believes forwarding headers only from the \
            proxies given with --trust (default: loopback). Refuses to start (exit 2) on a wildcard \
            bind while a proxy is trusted, on a non-loopback bind without --allow-public (except one \
            private address with an explicit --trust list for a remote load balancer), as root, or \
            on a port below 1024.

            Every flag has an environment variable named after it: --body-timeout is \
            GREENROOM_BODY_TIMEOUT, --allow-public is GREENROOM_ALLOW_PUBLIC (1/true/yes or \
            0/false/no); GREENROOM_TRUST takes a list separated by commas or spaces, GREENROOM_HOST \
            one separated by commas. Precedence: \
            flags > environment > spec (--config) > defaults.

            Examples:
              greenroom serve
              greenroom serve --unix /run/app/app.sock --trust unix
              greenroom serve --proxy-protocol required --trust 127.0.0.1
              greenroom serve --host 127.0.0.1 --host ::1               (both loopback families)
              greenroom serve --host 10.0.0.5 --trust 10.0.0.2          (behind a remote balancer)
              greenroom serve --host 0.0.0.0 --allow-public             (no proxy at all)
            """
    )

    @Option(
        help: ArgumentHelp(
            "Read the app: section of a deployment spec (greenroom.yml); flags given as well win.",
            valueName: "FILE"
        )
    )
    var config: String?

    @Option(
        help: """
            The address to listen on: an IP address of this host. Default: 127.0.0.1. Repeat it to listen \
            on several addresses on one port, e.g. --host 127.0.0.1 --host ::1 (each judged on its own).
            """
    )
    var host: [String] = []

    @Option(help: "The TCP port to listen on (1024 or more; 0 picks a free one). Default: 8000.")
    var port: Int?

    @Option(help: "Listen on a unix-domain socket at this path instead of TCP (mode 0660).")
    var unix: String?

    @Option(
        name: .customLong("fd"),
        help: ArgumentHelp(
            "Serve on this already listening socket instead of binding (systemd's LISTEN_FDS is read too).",
            valueName: "N"
        )
    )
    var descriptors: [Int32] = []

    @OptionGroup(title: "Trust")
    var trustOptions: TrustOptions

    @Option(help: "Expect a PROXY protocol header from trusted proxies: off, optional or required. Default: off.")
    var proxyProtocol: ProxyProtocolMode?

    @Option(help: "The most connections open at once; beyond it the server stops accepting. Default: 10000.")
    var maxConnections: Int?

    @Flag(help: "Serve clients directly without a proxy (trusts nobody unless --trust is given).")
    var allowPublic = false

    @Flag(
        help: """
            Run in a Kubernetes pod (GREENROOM_CLUSTER=1): bind the pod's address (GREENROOM_HOST from \
            status.podIP) while trusting exactly the gateway pods' range; anything else is refused.
            """
    )
    var cluster = false

    @Flag(help: "Allow trusting public ranges or blocks wider than /8 (/16 for IPv6), e.g. a CDN's egress ranges.")
    var trustPublicRanges = false

    @Flag(
        help: "Allow a wildcard bind (0.0.0.0, ::) while trusting a proxy, e.g. in a container only the proxy reaches."
    )
    var allowWildcardBind = false

    @Flag(help: "Allow binding a public address while trusting a proxy, when a firewall lets only the proxy in.")
    var allowPublicBehindProxy = false

    @Option(help: "The most bytes of a request head, every byte counted (431 beyond). Default: 16384.")
    var maxHeaderBytes: Int?

    @Option(help: "The most bytes of request body (413 beyond). Default: 1048576.")
    var maxBodyBytes: Int?

    @Option(help: "Seconds a client may take to send a request head (408 after). Default: 10.")
    var headerTimeout: Double?

    @Option(help: "Seconds a client may send nothing of a request body it announced (408 after). Default: 60.")
    var bodyTimeout: Double?

    @Option(help: "Seconds a keep-alive connection may stay idle. Default: 75.")
    var idleTimeout: Double?

    @Option(help: "Seconds graceful shutdown waits for in-flight requests. Default: 10.")
    var shutdownTimeout: Double?

    @Option(help: "Seconds a proxy may take to send its PROXY header. Default: 5.")
    var proxyProtocolTimeout: Double?

    @Option(
        help: ArgumentHelp(
            "Serve Prometheus metrics at /metrics on this port of the app's loopback host (127.0.0.1 beside --unix).",
            valueName: "PORT"
        )
    )
    var metricsPort: Int?

    @Option(help: "Access log format: text, json or off.")
    var accessLog: AccessLogFormat?

    @Option(
        help: ArgumentHelp(
            "Append the access log to this file instead of standard error (created 0640; reopened on SIGHUP).",
            valueName: "PATH"
        )
    )
    var accessLogFile: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    @Option(help: "Event-loop threads (default: one per core).")
    var threads: Int?

    @Flag(help: "Skip the start-up guard's skippable checks (prints which).")
    var noGuard = false

    @Option(help: .hidden)
    var executor: ExecutorChoice = .eventLoop

    /// Where connection tasks run (for benchmarks): `event-loop` pins each task to its loop with
    /// a task executor preference (the default, measured fastest); `takeover` makes the event
    /// loops Swift's global executor instead; `both` does both; `global` leaves tasks on Swift's
    /// default pool.
    enum ExecutorChoice: String, ExpressibleByArgument, CaseIterable {
        case eventLoop = "event-loop"
        case takeover
        case both
        case global
    }

    enum AccessLogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, off
    }

    func run() async throws {
        var spec: DeploymentSpec?
        var configuration: ServerConfiguration
        let (level, accessLog, threads, noGuard): (Logger.Level, AccessLogFormat, Int?, Bool)
        do {
            if let config = effectiveConfig {
                if let problem = SpecFileOwnership.problem(with: config) { fail(problem) }
                spec = try DeploymentSpec.load(path: config)
            }
            configuration = try makeConfiguration(spec: spec)
            // An inherited socket is judged by what it is, not by what the flags or spec say.
            let inherited = try InheritedListener.takeFromSystemd() + descriptors
            if inherited.count > 1 {
                fail("\(inherited.count) listening sockets were passed (\(inherited)); serve adopts exactly one")
            }
            if let descriptor = inherited.first {
                let listener = try InheritedListener.inspect(descriptor: descriptor)
                configuration.bind = listener.target
                configuration.inheritedListener = listener
                // Several --host addresses cannot describe one inherited socket.
                try configuration.validate()
            }
            (level, accessLog, threads, noGuard) = (
                try effectiveLogLevel(), try effectiveAccessLog(), try effectiveThreads(), try effectiveNoGuard()
            )
        } catch {
            fail("\(error)")
        }

        let report = StartupRules.evaluate(
            configuration.deploymentDescriptions(),
            spec: spec,
            skipping: noGuard,
            inherited: configuration.inheritedListener != nil
        )
        if !report.skipped.isEmpty {
            Console.error(
                "greenroom: warning: --no-guard skips the start-up checks "
                    + report.skipped.map(\.description).joined(separator: ", ")
            )
        }
        for finding in report.findings { Console.error(StartupRules.line(finding)) }
        if report.refusesToStart { throw ExitCode(2) }

        // A file the access log goes to: opened now, before anything is served, and refused
        // (exit 2) when it is a symlink, someone else's, hard-linked or writable by anyone.
        let accessOutput: LogOutput
        if let path = effectiveAccessLogFile {
            do {
                accessOutput = try LogOutput(file: path)
            } catch {
                fail("\(error)")
            }
            accessOutput.startFlushing()
        } else {
            accessOutput = .standardError
        }
        let format: LineLogHandler.Format = accessLog == .json ? .json : .text
        // RFC 3339 times on every log line, unless journald already stamps them (JOURNAL_STREAM).
        let stamped = LogTimestamp.wanted()
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label, format: format, timestamps: stamped)
            handler.logLevel = level
            return handler
        }
        LogOutput.standardError.startFlushing()
        if let threads { EventLoops.setThreadCount(threads) }
        if executor == .takeover || executor == .both { EventLoops.installAsGlobalExecutor() }

        // The policy ran above, with --no-guard's exemptions; the server need not run it again.
        var serving = configuration
        serving.policyExemptions = Set(DeploymentPolicy.rules)
        let metricsServer = makeMetricsServer(for: &serving)
        // What SIGHUP does: every action added here runs on each reload, in order.
        let reload = ReloadActions()
        let link = ServiceManagerLink(reload: reload, logger: Logger(label: "greenroom"))
        let trust = configuration.trustedProxies
        // Where it listens, once it does: the STATUS line names it again after a reload.
        let listening = Mutex<[String]>([])
        let addressCount = configuration.binds.count
        let server = HTTPServer(
            configuration: serving,
            logger: Logger(label: "greenroom"),
            accessLogWriter: AccessLineWriter(format: format, output: accessOutput, timestamps: stamped),
            onListening: { bound in
                for line in StartupBanner.lines(for: bound) { Console.out(line) }
                // Called once per address: ready once all of them are listening.
                let urls = listening.withLock { urls in
                    urls.append(bound.url)
                    return urls
                }
                guard urls.count == addressCount else { return }
                link.markReady(status: "serving on \(urls.joined(separator: ", ")), trusting \(trust)")
            },
            handler: BuiltInApp()
        )
        if effectiveAccessLogFile != nil {
            // logrotate moves the file away, then sends SIGHUP: the next lines go to a new file.
            reload.add("reopen the access log file") { try accessOutput.reopen() }
        }
        if let path = effectiveConfig {
            let logger = Logger(label: "greenroom")
            reload.add("re-read \(path)") { [self] in
                for warning in try reloadSpec(path: path, into: server, skippingGuard: noGuard) {
                    logger.warning("\(warning)")
                }
                let urls = listening.withLock { $0 }
                let url = urls.isEmpty ? "\(server.configuration.bind)" : urls.joined(separator: ", ")
                link.updateStatus("serving on \(url), trusting \(server.configuration.trustedProxies)")
            }
        }
        do {
            try await server.runUntilTerminated(with: link, companions: metricsServer.map { [$0] } ?? [])
        } catch let error as ServerStartError {
            accessOutput.flush()
            LogOutput.standardError.flush()
            Console.error("greenroom: \(error.message)")
            throw ExitCode(1)
        } catch let error as MetricsStartError {
            accessOutput.flush()
            LogOutput.standardError.flush()
            Console.error("greenroom: \(error.message)")
            throw ExitCode(1)
        }
        // The access log's last lines are written before the process ends, whatever the flusher did.
        accessOutput.flush()
        LogOutput.standardError.flush()
    }

    /// The flags given on the command line.
    var flags: ServeFlags {
        var flags = ServeFlags()
        flags.host = host.first
        flags.additionalHosts = Array(host.dropFirst())
        flags.port = port
        flags.unix = unix
        flags.trust = trustOptions.trust
        flags.proxyProtocol = proxyProtocol
        flags.hops = trustOptions.hops
        flags.allowPublic = allowPublic
        flags.cluster = cluster
        let given: [(Bool, StartupOptIn)] = [
            (trustOptions.trustAll, .trustEveryone), (trustPublicRanges, .trustPublicRanges),
            (allowWildcardBind, .wildcardBind),
            (allowPublicBehindProxy, .publicBehindProxy),
        ]
        flags.optIns = Set(given.filter(\.0).map(\.1))
        flags.forwardedHeaders = trustOptions.forwardedHeaders
        flags.authoritativeHeaders = trustOptions.authoritativeHeaders
        flags.maxConnections = maxConnections
        flags.maxHeaderBytes = maxHeaderBytes
        flags.maxBodyBytes = maxBodyBytes
        flags.headerTimeout = headerTimeout
        flags.bodyTimeout = bodyTimeout
        flags.idleTimeout = idleTimeout
        flags.shutdownTimeout = shutdownTimeout
        flags.proxyProtocolTimeout = proxyProtocolTimeout
        flags.metricsPort = metricsPort
        return flags
    }

    /// The configuration: defaults, then the spec's `app:` section (`--config`, loaded once by
    /// the caller), then the `GREENROOM_*` variables, then the flags given on the command line,
    /// which win (``ServeFlags``).
    func makeConfiguration(
        spec: DeploymentSpec?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ServerConfiguration {
        let fromEnvironment = try ServeFlags(environment: environment)
        var configuration = try flags.over(environment: fromEnvironment).configuration(over: spec)
        configuration.accessLog = try effectiveAccessLog() != .off
        switch executor {
        case .eventLoop, .takeover: configuration.connectionExecutor = .automatic
        case .both: configuration.connectionExecutor = .eventLoop
        case .global: configuration.connectionExecutor = .global
        }
        if let threads = try effectiveThreads(), threads < 1 {
            throw ConfigurationError("--threads (GREENROOM_THREADS) must be at least 1, not \(threads)")
        }
        try configuration.validate()
        return configuration
    }

    private func fail(_ message: String) -> Never {
        Console.error("greenroom: \(message)")
        Self.exit(withError: ExitCode(2))
    }
}

extension ProxyProtocolMode: ExpressibleByArgument {}
