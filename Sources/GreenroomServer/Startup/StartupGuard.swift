#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process facts the start-up checks look at; injectable so tests can be "root".
public struct StartupEnvironment: Sendable, Hashable {
    /// The effective user id.
    public var effectiveUserID: UInt32

    /// Creates an environment.
    public init(effectiveUserID: UInt32) {
        self.effectiveUserID = effectiveUserID
    }

    /// This process's environment.
    public static var current: StartupEnvironment { StartupEnvironment(effectiveUserID: UInt32(geteuid())) }
}

/// One start-up rule: looks at the configuration and the process, returns findings.
public struct StartupCheck: Sendable {
    /// The rule's identifier (the ids of its findings start with it).
    public let id: String
    /// `--no-guard` may skip it. Running as root is never skippable.
    public let skippable: Bool
    private let body: @Sendable (ServerConfiguration, StartupEnvironment) -> [StartupFinding]

    /// Creates a check.
    public init(
        id: String,
        skippable: Bool = true,
        _ body: @escaping @Sendable (ServerConfiguration, StartupEnvironment) -> [StartupFinding]
    ) {
        self.id = id
        self.skippable = skippable
        self.body = body
    }

    /// Runs the check.
    public func run(_ configuration: ServerConfiguration, _ environment: StartupEnvironment) -> [StartupFinding] {
        body(configuration, environment)
    }
}

/// Decides whether `serve` may start: the bind policy (GreenroomCore's article "Deployment policy
/// and rule ids"), no root, no privileged port,
/// plus any checks added later (the extension point for `greenroom check`'s rules).
public struct StartupGuard: Sendable {
    /// The checks, run in order.
    public var checks: [StartupCheck]

    /// Creates a guard; by default with ``builtInChecks``.
    public init(checks: [StartupCheck] = StartupGuard.builtInChecks) {
        self.checks = checks
    }

    /// The server's own rules.
    public static let builtInChecks: [StartupCheck] = [
        StartupCheck(id: "run-as-root", skippable: false) { _, environment in
            guard environment.effectiveUserID == 0 else { return [] }
            return [
                StartupFinding(
                    id: "run-as-root",
                    message: "refusing to run as root (euid 0): any bug in the app would own the machine",
                    fix:
                        "run as an unprivileged user, e.g. User= in the systemd unit (see `greenroom generate systemd`)"
                )
            ]
        },
        StartupCheck(id: "privileged-port", skippable: false) { configuration, _ in
            guard let port = configuration.bind.port, port > 0, port < 1024 else { return [] }
            return [
                StartupFinding(
                    id: "privileged-port",
                    message: "refusing port \(port): ports below 1024 need root",
                    fix: "use a port of 1024 or more (default 8000) and let the proxy listen on 80/443 "
                        + "(see `greenroom generate nginx`)"
                )
            ]
        },
        StartupCheck(id: "bind") { configuration, _ in BindPolicy.evaluate(configuration) },
        StartupCheck(id: "unix-socket") { configuration, _ in
            guard case .unix(let path) = configuration.bind else { return [] }
            switch UnixSocketFile.status(of: path) {
            case .absent, .staleSocket: return []
            case .socketInUse:
                return [
                    StartupFinding(
                        id: "unix-socket-in-use",
                        message:
                            "unix socket \(path) is in use by another process, \(UnixSocketFile.ownerText(of: path))",
                        fix: "stop that process or choose another --unix path"
                    )
                ]
            case .pathTooLong:
                return [
                    StartupFinding(
                        id: "unix-socket-path-too-long",
                        message: "unix socket path \(path) is \(path.utf8.count) bytes, more than a unix socket "
                            + "address holds (\(UnixSocketFile.maximumPathBytes - 1))",
                        fix: "choose a shorter --unix path"
                    )
                ]
            case .notASocket:
                return [
                    StartupFinding(
                        id: "unix-socket-not-a-socket",
                        message: "\(path) exists and is not a socket",
                        fix: "choose another --unix path; Greenroom never replaces a file that is not a socket"
                    )
                ]
            }
        },
    ]

    /// The outcome of the checks.
    public struct Report: Sendable {
        /// Every finding, in check order.
        public var findings: [StartupFinding]
        /// The ids of the checks `--no-guard` skipped.
        public var skipped: [String]
        /// `true` when a finding is an error: do not start.
        public var refusesToStart: Bool { findings.contains { $0.severity == .error } }
    }

    /// Runs the checks; with `skipping` set, only the checks that cannot be skipped run.
    public func evaluate(
        _ configuration: ServerConfiguration,
        environment: StartupEnvironment = .current,
        skipping: Bool = false
    ) -> Report {
        var report = Report(findings: [], skipped: [])
        for check in checks {
            if skipping && check.skippable {
                report.skipped.append(check.id)
                continue
            }
            report.findings += check.run(configuration, environment)
        }
        return report
    }
}
