import GreenroomConfigParsing
import GreenroomCore

/// An HAProxy configuration read as HAProxy runs it: proxies (`frontend`, `backend`, `listen`)
/// with the `defaults` section each inherits, their servers, and the routes from the proxies
/// that accept clients to the backends with servers.
package struct HAProxyAnalysis {
    /// A `frontend`, `backend` or `listen` section with what it inherits, and what the rules ask
    /// of it, read once: a frontend with forty thousand lines routing to twenty thousand backends
    /// is asked once per route.
    struct Proxy {
        /// The section.
        let section: HAProxySection
        /// The `defaults` section it inherits from: the one named after `from`, else the last
        /// one above it.
        let defaults: HAProxySection?
        /// `mode http` (HAProxy's default is tcp).
        let isHTTP: Bool
        /// The `http-request` rules, the inherited ones first.
        let httpRequestRules: [HAProxyLine]
        /// Whether a `bind` line accepts the PROXY protocol from an outer load balancer.
        let acceptsProxyProtocol: Bool
        /// Its `server` lines (none for a frontend).
        let servers: [Server]
        /// The last `option NAME` or `no option NAME` line of each name, its own and its defaults'.
        private let ownOptions: [String: (line: HAProxyLine, enabled: Bool)]
        private let defaultOptions: [String: (line: HAProxyLine, enabled: Bool)]

        init(section: HAProxySection, defaults: HAProxySection?) {
            self.section = section
            self.defaults = defaults
            let mode = section.lines.last { $0.keyword == "mode" } ?? defaults?.lines.last { $0.keyword == "mode" }
            isHTTP = mode?.arguments.first?.lowercased() == "http"
            let effective = (defaults?.lines ?? []) + section.lines
            httpRequestRules = effective.filter { $0.keyword == "http-request" }
            acceptsProxyProtocol = section.lines.contains {
                $0.keyword == "bind" && $0.words.contains { $0.lowercased() == "accept-proxy" }
            }
            ownOptions = Self.options(in: section.lines)
            defaultOptions = Self.options(in: defaults?.lines ?? [])
            let defaultServer = effective.filter { $0.keyword == "default-server" }
            let defaultSends = HAProxyAnalysis.sendsProxyProtocol(defaultServer.flatMap(\.arguments), initially: false)
            servers = section.lines.compactMap { line in
                guard line.keyword == "server", line.words.count >= 3 else { return nil }
                return Server(
                    line: line,
                    address: HAProxyAnalysis.serverAddress(line.words[2]),
                    sendsProxyProtocol: HAProxyAnalysis.sendsProxyProtocol(
                        line.words.dropFirst(3),
                        initially: defaultSends
                    )
                )
            }
        }

        var kind: String { section.kind }
        var name: String { section.name ?? "" }
        var header: HAProxyLine { section.header }
        /// `true` for a section that accepts clients (`frontend`, `listen`).
        var acceptsClients: Bool { kind == "frontend" || kind == "listen" }
        /// `true` for a section that has servers (`backend`, `listen`).
        var hasServers: Bool { kind == "backend" || kind == "listen" }

        /// The last `option NAME` or `no option NAME` line that applies (own lines win).
        func option(_ name: String) -> (line: HAProxyLine, enabled: Bool)? {
            ownOptions[name] ?? defaultOptions[name]
        }

        /// The last `option NAME` (enabled) or `no option NAME` (disabled) line of each name.
        private static func options(in lines: [HAProxyLine]) -> [String: (line: HAProxyLine, enabled: Bool)] {
            var options: [String: (line: HAProxyLine, enabled: Bool)] = [:]
            for line in lines {
                if line.keyword == "option", let name = line.arguments.first?.lowercased() {
                    options[name] = (line, true)
                } else if line.keyword == "no", line.words.count >= 3, line.words[1].lowercased() == "option" {
                    options[line.words[2].lowercased()] = (line, false)
                }
            }
            return options
        }

        /// The backend names it routes to: `default_backend` and every `use_backend` with a
        /// literal name (not a `%[...]` expression).
        var backendNames: [(name: String, line: HAProxyLine)] {
            section.lines.compactMap { line in
                guard line.keyword == "default_backend" || line.keyword == "use_backend",
                    let name = line.arguments.first, !name.contains("%[")
                else { return nil }
                return (name, line)
            }
        }
    }

    /// One `server` line.
    struct Server {
        /// The line.
        var line: HAProxyLine
        /// Where it connects, when the address can be judged.
        var address: ServerAddress
        /// Whether it sends the PROXY protocol (its own keywords over `default-server`).
        var sendsProxyProtocol: Bool
    }

    /// A `server` address as HAProxy reads it.
    package enum ServerAddress: Equatable {
        /// An address with a fixed port, or a unix socket.
        case endpoint(ProxyEndpoint.Address)
        /// `0.0.0.0`, `::`, `*` (or no address).
        case wildcard(String)
        /// A port taken from the client's (none, `+N`, `-N`), an abstract socket, an fd: not judged.
        case unjudged
    }

    /// A frontend (or listen) and one backend (or itself) it sends requests to.
    struct Route {
        var frontend: Proxy
        var backend: Proxy
        /// The line that routes (`default_backend`), or the listen section's header.
        var line: HAProxyLine
    }

    let proxies: [Proxy]
    /// Every frontend (or listen) paired with each backend it routes to, found once: a rule
    /// that looked a backend up by scanning every proxy was quadratic in the sections (a 3.8 MB
    /// configuration of 20,000 frontends took 54 s).
    let routes: [Route]

    init(_ config: HAProxyConfig) {
        var proxies: [Proxy] = []
        var lastDefaults: HAProxySection?
        var namedDefaults: [String: HAProxySection] = [:]
        for section in config.sections {
            switch section.kind {
            case "defaults":
                lastDefaults = section
                if let name = section.name { namedDefaults[name] = section }
            case "frontend", "backend", "listen":
                let inherited = section.defaultsName.flatMap { namedDefaults[$0] } ?? lastDefaults
                proxies.append(Proxy(section: section, defaults: inherited))
            default:
                break
            }
        }
        self.proxies = proxies
        // The first proxy with servers of each name, by index.
        var backendIndex: [String: Int] = [:]
        for (index, proxy) in proxies.enumerated() where proxy.hasServers && backendIndex[proxy.name] == nil {
            backendIndex[proxy.name] = index
        }
        // A listen section with servers routes to itself.
        var routes: [Route] = []
        for proxy in proxies where proxy.acceptsClients {
            if proxy.kind == "listen", !proxy.servers.isEmpty {
                routes.append(Route(frontend: proxy, backend: proxy, line: proxy.header))
            }
            for (name, line) in proxy.backendNames {
                if let index = backendIndex[name] {
                    routes.append(Route(frontend: proxy, backend: proxies[index], line: line))
                }
            }
        }
        self.routes = routes
    }

    static func sendsProxyProtocol(_ words: some Sequence<String>, initially: Bool) -> Bool {
        var sends = initially
        for word in words {
            let lowered = word.lowercased()
            if lowered.hasPrefix("send-proxy") { sends = true }
            if lowered.hasPrefix("no-send-proxy") { sends = false }
        }
        return sends
    }

    /// Reads `[ipv4@|ipv6@]address[:port]`, `unix@/path` or `/path` as HAProxy's address parser
    /// does: an IPv6 address may be written without brackets, the last `:` separating the port.
    package static func serverAddress(_ text: String) -> ServerAddress {
        var rest = Substring(text)
        for prefix in ["ipv4@", "ipv6@", "tcp@", "tcp4@", "tcp6@"] where rest.lowercased().hasPrefix(prefix) {
            rest = rest.dropFirst(prefix.count)
        }
        if rest.lowercased().hasPrefix("unix@") { return .endpoint(.unix(path: String(rest.dropFirst(5)))) }
        if rest.hasPrefix("/") { return .endpoint(.unix(path: String(rest))) }
        if rest.contains("@") { return .unjudged }
        var host = rest
        var portText: Substring?
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            portText = after.hasPrefix(":") ? after.dropFirst() : nil
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        if host.isEmpty || host == "*" || IPAddress(numericHost: String(host))?.isUnspecified == true {
            return .wildcard(String(text))
        }
        guard let portText, let port = Int(portText), (1...65535).contains(port), portText.first != "+" else {
            return .unjudged
        }
        return .endpoint(.tcp(host: String(host), port: port))
    }

    /// `true` when the line ends in a condition (`if ...` or `unless ...`).
    static func isConditional(_ line: HAProxyLine) -> Bool {
        line.words.dropFirst(2).contains { $0 == "if" || $0 == "unless" }
    }
}
