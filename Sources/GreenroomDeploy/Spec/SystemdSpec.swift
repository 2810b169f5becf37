/// The `systemd:` section: the service unit that runs the app, sandboxed by default.
public struct SystemdSpec: Sendable, Hashable {
    /// `systemd.unit`: the unit name without `.service` (default: ``AppSpec/name``).
    public var unit: String? = nil
    /// `systemd.hardening`: the sandbox (`ProtectSystem=strict`, `IPAddressDeny=any`, ...).
    /// On by default; turning it off is reported by `greenroom check`.
    public var hardening: Bool = true
    /// `systemd.group`: the process's group. With a unix socket it defaults to the proxy's group
    /// (`www-data` for nginx and Apache, `haproxy` for HAProxy), so the proxy may connect to the
    /// socket (mode 0660) and nobody else may.
    public var group: String? = nil
    /// `systemd.restart`: `Restart=` (`on-failure`, `always`, `on-abnormal`, `no`).
    public var restart: String = "on-failure"
    /// `systemd.restart_sec`: `RestartSec=`.
    public var restartDelay: Duration = .seconds(2)
    /// `systemd.environment`: `Environment=` pairs, in the order written.
    public var environment: [EnvironmentVariable] = []
    /// `systemd.environment_file`: `EnvironmentFile=` (absolute path), for secrets kept out of the unit.
    public var environmentFile: String? = nil
    /// `systemd.read_write_paths`: exceptions to `ProtectSystem=strict` (absolute paths).
    public var readWritePaths: [String] = []

    /// The defaults.
    public init() {}

    /// One `Environment=` entry.
    public struct EnvironmentVariable: Sendable, Hashable {
        /// The name: letters, digits and `_`, not starting with a digit.
        public var name: String
        /// The value (printable, no newlines).
        public var value: String

        /// Creates an entry.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The values `systemd.restart` accepts.
    public static let restartPolicies = [
        "no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always",
    ]
}

extension SystemdSpec {
    /// ``unit`` or the app's name.
    public func unitName(app: AppSpec) -> String { unit ?? app.name }

    /// ``group`` or its default for `proxy` (the proxy's group when the app listens on a socket).
    public func effectiveGroup(app: AppSpec, proxy: ProxySpec.Kind) -> String? {
        if let group { return group }
        guard app.unixPath != nil else { return nil }
        switch proxy {
        case .nginx, .apache: return "www-data"
        case .haproxy: return "haproxy"
        case .none: return nil
        }
    }
}
