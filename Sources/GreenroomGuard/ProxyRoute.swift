import GreenroomConfigParsing
import GreenroomCore

/// One proxying directive of either proxy, reduced to what the target rules need.
struct ProxyRoute: Sendable {
    /// Where the directive is.
    var location: SourceLocation
    /// The directive's name, for messages (`proxy_pass`, `ProxyPass`).
    var keyword: String
    /// The target as written.
    var raw: String
    /// The upstream or balancer it names, if any.
    var group: String?
    /// The backends it reaches.
    var endpoints: [ProxyEndpoint]
    /// `true` when the destination is computed per request.
    var hasVariables: Bool

    /// `true` when some endpoint reaches one of the app's binds.
    func reaches(_ app: AppExpectation) -> Bool {
        endpoints.contains { if case .reaches = app.match($0.address) { true } else { false } }
    }
}

/// The target rules shared by nginx and Apache: mismatch, localhost, wildcard.
enum ProxyRouteCheck {
    /// The app's binds, for messages.
    static func binds(_ app: AppExpectation) -> String { app.binds.map(\.description).joined(separator: ", ") }

    /// A target URL that reaches the app (`http://127.0.0.1:8000`).
    static func suggestedURL(_ app: AppExpectation) -> String {
        switch app.binds.first {
        case .tcp(let host, let port)?:
            let address = IPAddress(host).flatMap {
                $0.isUnspecified ? ($0.family == .v4 ? "127.0.0.1" : "[::1]") : nil
            }
            return "http://\(address ?? (host.contains(":") ? "[\(host)]" : host)):\(port)"
        case .unix(let path)?:
            return "unix:\(path)"
        case nil:
            return "http://127.0.0.1:8000"
        }
    }

    /// GR020 / GR050: no route reaches the app, or one looks like the app but misses.
    ///
    /// With `memberFix`, a route through a group (an nginx upstream) is reported at each member
    /// that misses, with the member line to write, and the route as the related place: the fix
    /// keeps the group (and its keepalive).
    static func mismatches(
        _ routes: [ProxyRoute],
        app: AppExpectation,
        rule: Rule,
        mainFile: String,
        fileCount: Int,
        fix: String,
        memberFix: ((ProxyEndpoint) -> String)? = nil
    ) -> [Finding] {
        let reaching = routes.filter { $0.reaches(app) }
        let binds = binds(app)
        if routes.isEmpty {
            return [
                rule.finding(
                    at: SourceLocation(file: mainFile, line: 1, column: 1),
                    "nothing in this configuration (\(fileCount) file(s)) proxies to the app at \(binds)",
                    fix: fix
                )
            ]
        }
        var findings: [Finding] = []
        if reaching.isEmpty {
            for route in routes where !route.hasVariables {
                if let memberFix, let group = route.group, !route.endpoints.isEmpty {
                    for endpoint in route.endpoints {
                        let unknown = app.match(endpoint.address) == .unknown
                        let message =
                            unknown
                            ? "'\(group)' sends to \(endpoint), a host that cannot be checked; the app listens on \(binds)"
                            : "'\(group)' sends to \(endpoint), but the app listens on \(binds)"
                        findings.append(
                            rule.finding(
                                at: endpoint.location,
                                message,
                                fix: memberFix(endpoint),
                                severity: unknown ? .warning : nil,
                                related: [route.location]
                            )
                        )
                    }
                    continue
                }
                let unknown = route.endpoints.contains { app.match($0.address) == .unknown }
                let via = route.group.map { " (through '\($0)')" } ?? ""
                let endpoints = route.endpoints.map(\.description).joined(separator: ", ")
                let message =
                    unknown
                    ? "\(route.keyword) \(route.raw) names a host that cannot be checked\(via); the app listens on \(binds)"
                    : "\(route.keyword) \(route.raw) connects to \(endpoints.isEmpty ? "nothing usable" : endpoints)\(via), "
                        + "but the app listens on \(binds)"
                findings.append(rule.finding(at: route.location, message, fix: fix, severity: unknown ? .warning : nil))
            }
            return findings
        }
        // Some route reaches the app; others may be other services. Flag only those that look
        // like the app (its port elsewhere, a socket when it uses sockets) or share its upstream.
        var reported = Set<SourceLocation>()
        let ports = Set(app.binds.compactMap { if case .tcp(_, let port) = $0 { port } else { nil } })
        let usesSockets = app.binds.contains { if case .unix = $0 { true } else { false } }
        let groups = Set(reaching.compactMap(\.group))
        for route in routes {
            let sharesGroup = route.group.map(groups.contains) ?? false
            for endpoint in route.endpoints where app.match(endpoint.address) == .misses {
                let looksLikeApp: Bool
                switch endpoint.address {
                case .tcp(_, let port): looksLikeApp = ports.contains(port)
                case .unix: looksLikeApp = usesSockets
                }
                guard looksLikeApp || sharesGroup, reported.insert(endpoint.location).inserted else { continue }
                let place = route.group.map { "'\($0)' sends to" } ?? "\(route.keyword) connects to"
                findings.append(
                    rule.finding(
                        at: endpoint.location,
                        "\(place) \(endpoint), where the app does not listen (it listens on \(binds))",
                        fix: route.group != nil && memberFix != nil
                            ? memberFix!(endpoint) : "point it at \(suggestedURL(app)) or remove it",
                        related: route.group != nil && endpoint.location != route.location ? [route.location] : []
                    )
                )
            }
        }
        return findings
    }

    /// GR021 / GR051: `localhost` while the app listens on one loopback family only.
    static func localhost(_ routes: [ProxyRoute], app: AppExpectation, rule: Rule) -> [Finding] {
        let listening = app.loopbackListeners
        guard !(listening.contains(.loopbackV4) && listening.contains(.loopbackV6)) else { return [] }
        let family = listening.contains(.loopbackV6) ? "::1" : "127.0.0.1"
        var seen = Set<SourceLocation>()
        return routes.filter { $0.reaches(app) }.flatMap(\.endpoints).filter {
            $0.isLocalhostName && seen.insert($0.location).inserted
        }.map { endpoint in
            rule.finding(
                at: endpoint.location,
                "\(endpoint) resolves to 127.0.0.1 and ::1, but the app listens only on \(family)",
                fix: "write the address instead of the name: \(family == "::1" ? "[::1]" : family)"
            )
        }
    }

    /// GR035 / GR055: a wildcard destination.
    static func wildcards(_ endpoints: [ProxyEndpoint], rule: Rule) -> [Finding] {
        var seen = Set<SourceLocation>()
        return endpoints.filter { $0.isWildcard && seen.insert($0.location).inserted }.map { endpoint in
            let loopback = endpoint.ipAddress?.family == .v6 ? "[::1]" : "127.0.0.1"
            var port = ""
            if case .tcp(_, let number) = endpoint.address { port = ":\(number)" }
            return rule.finding(
                at: endpoint.location,
                "\(endpoint) is a wildcard bind address, not a destination; the app behind it listens on every interface",
                fix: "bind the app to \(loopback)\(port) and proxy to \(loopback)\(port)"
            )
        }
    }

    /// The address a proxy connecting to `endpoint` presents to the app: `source` when the proxy
    /// binds one, a unix peer for sockets, the loopback address for loopback targets; `nil` when
    /// it cannot be known (a remote app).
    static func sourcePeer(for endpoint: ProxyEndpoint, source: String?) -> Peer? {
        if let source, let address = IPAddress(source) { return .ip(address, port: nil) }
        switch endpoint.address {
        case .unix: return .unix(path: nil)
        case .tcp(let host, _):
            guard let target = AppExpectation.addresses(ofDestination: host)?.first, target.unmapped.isLoopback else {
                return nil
            }
            return .ip(target.unmapped.family == .v4 ? .loopbackV4 : .loopbackV6, port: nil)
        }
    }

    /// GR037 / GR059 message parts for an untrusted source: what it is and the trust word to add.
    static func describe(_ peer: Peer) -> (shown: String, word: String) {
        guard let address = peer.address else { return ("a unix socket", "unix") }
        return (address.description, address.isLoopback ? "loopback" : address.description)
    }
}
