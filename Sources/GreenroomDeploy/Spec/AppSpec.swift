import GreenroomCore

/// The `app:` section: how the application server runs and whom it believes.
///
/// `greenroom serve --config` reads exactly these values; each maps to one `serve` flag where a
/// flag exists (``listen`` → `--host/--port/--unix`, ``trust`` → `--trust`, ``proxyProtocol`` →
/// `--proxy-protocol`, ``hops`` → `--hops`, ``Limits/maxConnections`` → `--max-connections`,
/// ``allowPublic`` → `--allow-public`). The proxy and systemd files are generated from the same
/// values, so the two sides cannot disagree.
public struct AppSpec: Sendable, Hashable {
    /// `app.name`: names the unit, the upstream and zones. Lower-case letters, digits, `-`, `_`.
    public var name: String = "greenroom"
    /// `app.user`: the account the app runs as; never root.
    public var user: User = .named("greenroom")
    /// `app.working_directory`: absolute path; default `/var/lib/<name>` (made by systemd's
    /// `StateDirectory=`, writable despite `ProtectSystem=strict`).
    public var workingDirectory: String? = nil
    /// `app.exec`: the command line, as arguments; default
    /// `/usr/local/bin/greenroom serve --config /etc/greenroom/greenroom.yml`.
    public var exec: [String]? = nil
    /// `app.listen`: where the app listens (per instance, see ``endpoints``).
    public var listen: Listen = .tcp(host: .loopbackV4, port: 8000)
    /// `app.listen.hosts` after its first entry (which is ``listen``'s host): more addresses the
    /// app listens on, on the same port (`::1` next to `127.0.0.1` for dual-stack loopback).
    public var additionalListenHosts: [IPAddress] = []
    /// `app.instances`: local instances on consecutive ports (or numbered sockets), 1...64.
    public var instances: Int = 1
    /// `app.hosts`: the remote-proxy topology, or `nil` for a proxy on this host.
    public var hosts: Hosts? = nil
    /// `app.trust`: the peers whose forwarding information the app believes. Default: where the
    /// proxy connects from (`loopback`, `unix` for a socket, the balancers for ``hosts``, nobody
    /// without a proxy).
    public var trust: TrustedProxies = .loopback
    /// `app.allow_public`: permits a non-loopback bind when no proxy is configured (`proxy.kind: none`).
    public var allowPublic: Bool = false
    /// `app.trust_all_i_know`, `app.trust_public_ranges`, `app.allow_wildcard_bind`,
    /// `app.allow_public_behind_proxy`: start-up refusals this deployment opts out of, one rule
    /// each (the `serve` flags of the same names). `greenroom check` still reports them.
    public var optIns: Set<StartupOptIn> = []
    /// `app.proxy_protocol`: the PROXY protocol version the proxy sends to the app.
    public var proxyProtocol: ProxyProtocol = .off
    /// `app.forwarded_headers`: which forwarding headers the proxy sends and the app reads.
    public var forwardedHeaders: ForwardedResolver.HeaderPolicy = .both
    /// `app.authoritative_headers`: with `forwarded_headers: both`, the family whose answer stands
    /// when `X-Forwarded-For` and `Forwarded` disagree (`--authoritative-headers`); `nil` means
    /// the one the proxy writes itself (``DeploymentSpec/authoritativeHeaders``).
    public var authoritativeHeaders: ForwardedResolver.HeaderFamily? = nil
    /// `app.hops`: believe exactly this many proxy hops (ProxyFix style) instead of walking the
    /// trusted chain; `nil` to walk it.
    public var hops: Int? = nil
    /// `app.limits`.
    public var limits: Limits = Limits()
    /// `app.outbound`: addresses the app may connect to (`IPAddressAllow=`), besides localhost.
    public var outbound: [CIDR] = []
    /// `app.metrics_port`: serve Prometheus metrics on this port of the app's loopback host
    /// (`serve --metrics-port`); `nil`: no metrics endpoint.
    public var metricsPort: Int? = nil

    /// Creates the defaults.
    public init() {}

    /// The account the app runs as.
    public enum User: Sendable, Hashable, CustomStringConvertible {
        /// A named system account (`User=` in the unit).
        case named(String)
        /// `dynamic`: a transient account allocated by systemd (`DynamicUser=yes`).
        case dynamic

        public var description: String {
            switch self {
            case .named(let name): name
            case .dynamic: "dynamic"
            }
        }
    }

    /// Where the app listens.
    public enum Listen: Sendable, Hashable {
        /// TCP on `host:port`; `host` is `nil` only with ``AppSpec/hosts`` (each host binds its own
        /// address from ``Hosts/addresses``).
        case tcp(host: IPAddress?, port: UInt16)
        /// A unix-domain socket at an absolute path.
        case unix(path: String)
    }

    /// One address an app instance listens on.
    public enum Endpoint: Sendable, Hashable, CustomStringConvertible {
        /// TCP.
        case tcp(IPAddress, port: UInt16)
        /// A unix-domain socket.
        case unix(path: String)

        /// `127.0.0.1:8000`, `[::1]:8000` or `unix:/run/app.sock` (nginx's spelling).
        public var description: String {
            switch self {
            case .tcp(let address, let port):
                address.family == .v4 ? "\(address):\(port)" : "[\(address)]:\(port)"
            case .unix(let path): "unix:\(path)"
            }
        }
    }

    /// The remote-proxy topology: app hosts each bound to one private address, behind balancers.
    public struct Hosts: Sendable, Hashable {
        /// `app.hosts.addresses`: each app host's private address (the host binds it).
        public var addresses: [IPAddress]
        /// `app.hosts.balancers`: the balancer addresses (or blocks) that alone may connect.
        public var balancers: [CIDR]

        /// Creates a topology.
        public init(addresses: [IPAddress], balancers: [CIDR]) {
            self.addresses = addresses
            self.balancers = balancers
        }
    }

    /// The PROXY protocol version the proxy sends (the app then requires it from trusted peers).
    public enum ProxyProtocol: String, Sendable, Hashable, CaseIterable {
        /// No PROXY header; forwarding headers carry the client.
        case off
        /// Text version 1 (nginx's stream module, HAProxy `send-proxy`).
        case v1
        /// Binary version 2 (HAProxy `send-proxy-v2-ssl`).
        case v2

        /// The value for `greenroom serve --proxy-protocol`: `off` or `required` (the server
        /// accepts both versions; the proxy always sends one, so `optional` is never generated).
        public var serveMode: String { self == .off ? "off" : "required" }
    }

    /// `app.limits`: what the app accepts; the proxy is configured to match.
    public struct Limits: Sendable, Hashable {
        /// `max_connections`: concurrent connections before the app stops accepting (`--max-connections`).
        public var maxConnections: Int = 4096
        /// `max_header_bytes`: request line plus headers (431 above).
        public var maxHeaderBytes: Int = 16 << 10
        /// `max_body_bytes`: request body (413 above); also the proxy's body limit.
        public var maxBodyBytes: Int = 1 << 20
        /// `header_timeout`: time to receive a request's headers (408 after).
        public var headerTimeout: Duration = .seconds(10)
        /// `body_timeout`: time a client may send nothing of a body it announced (408 after).
        public var bodyTimeout: Duration = .seconds(60)
        /// `idle_timeout`: keep-alive idle time before the app closes a connection. The proxy's
        /// upstream keep-alive is set shorter, so the proxy never reuses a connection the app is closing.
        public var idleTimeout: Duration = .seconds(75)
        /// `proxy_protocol_timeout`: time to receive the PROXY header.
        public var proxyProtocolTimeout: Duration = .seconds(5)
        /// `shutdown_timeout`: grace period for in-flight requests on SIGTERM.
        public var shutdownTimeout: Duration = .seconds(30)

        /// The defaults.
        public init() {}
    }
}
