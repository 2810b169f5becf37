import GreenroomConfigParsing
import GreenroomCore

/// The parts of an nginx configuration the rules look at: upstreams, servers, every block with
/// its inheritance chain, and every `proxy_pass` with the backends it reaches.
///
/// Accepts a whole `nginx.conf` (with `http` and `stream` blocks) as well as a site file holding
/// bare `server` blocks (treated as inside `http`) or a snippet of locations (treated as inside
/// one server).
struct NginxAnalysis: Sendable {
    /// An `upstream` block.
    struct Upstream: Sendable {
        var name: String
        var directive: NginxDirective
        var servers: [ProxyEndpoint]
        var keepalive: NginxDirective?
    }

    /// A `proxy_pass` and what it reaches.
    struct ProxySite: Sendable {
        var directive: NginxDirective
        var scope: NginxScope
        /// `true` in the stream module (TCP proxying), `false` for HTTP.
        var isStream: Bool
        var target: NginxProxyTarget

        /// The site as a proxy-neutral route.
        var route: ProxyRoute {
            ProxyRoute(
                location: directive.location,
                keyword: "proxy_pass",
                raw: target.raw,
                group: target.upstream,
                endpoints: target.endpoints,
                hasVariables: target.hostHasVariables
            )
        }
    }

    /// An http `server` block.
    struct Server: Sendable {
        var scope: NginxScope
        /// `true` when a `listen` has `ssl` (or `quic`), or `ssl on` is set.
        var terminatesTLS: Bool
    }

    var upstreams: [String: Upstream] = [:]
    var streamUpstreams: [String: Upstream] = [:]
    /// `map` blocks by the variable they define (`$connection_upgrade`).
    var maps: [String: NginxDirective] = [:]
    /// `geo` blocks.
    var geos: [NginxDirective] = []
    var servers: [Server] = []
    /// Index into ``servers`` by the server's level (its identity: one file included in two
    /// places gives two servers at one location).
    private var serverIndex: [ObjectIdentifier: Int] = [:]
    /// The location scopes of each server, by the server's level.
    private var locationsByServer: [ObjectIdentifier: [NginxScope]] = [:]
    /// The http-level scopes (one per `http` block, or the implied one of a site file).
    var httpRoots: [NginxScope] = []
    /// Every server, location, `if` and `limit_except` scope in http, outermost first.
    var blocks: [NginxScope] = []
    var sites: [ProxySite] = []
    /// The configuration analysed, for what the rules say about it as a whole (its main file).
    let config: NginxConfig
    /// Which variables the client controls.
    private(set) var taint = NginxTaint()

    init(_ config: NginxConfig) {
        self.config = config
        let top = config.directives
        let isMain = top.contains { ["http", "stream", "events"].contains($0.name) && $0.block != nil }
        var httpRoots: [NginxScope] = []
        var streamRoots: [NginxScope] = []
        if isMain {
            for directive in top where directive.block != nil {
                let level = NginxScope.Level(
                    kind: directive.name == "stream" ? .stream : .http,
                    directive: directive,
                    children: directive.block ?? []
                )
                if directive.name == "http" { httpRoots.append(NginxScope(levels: [level])) }
                if directive.name == "stream" { streamRoots.append(NginxScope(levels: [level])) }
            }
        } else if top.contains(where: { ["server", "upstream", "map"].contains($0.name) && $0.block != nil }) {
            httpRoots = [NginxScope(levels: [.init(kind: .http, directive: nil, children: top)])]
        } else {
            httpRoots = [
                NginxScope(levels: [
                    .init(kind: .http, directive: nil, children: []),
                    .init(kind: .server, directive: nil, children: top),
                ])
            ]
        }
        for root in httpRoots { collectDefinitions(root.innermost.children, stream: false) }
        for root in streamRoots { collectDefinitions(root.innermost.children, stream: true) }
        for root in httpRoots {
            if root.innermost.kind == .server {
                serverIndex[ObjectIdentifier(root.innermost)] = servers.count
                servers.append(Server(scope: root, terminatesTLS: false))
                blocks.append(root)
            }
            walk(root, stream: false)
        }
        for root in streamRoots { walk(root, stream: true) }
        self.httpRoots = httpRoots
        taint = NginxTaint(self)
    }

    private mutating func collectDefinitions(_ directives: [NginxDirective], stream: Bool) {
        for directive in directives {
            guard let block = directive.block else { continue }
            switch directive.name {
            case "upstream":
                let name = directive.firstValue
                var servers: [ProxyEndpoint] = []
                for server in block where server.name == "server" && server.block == nil {
                    if let endpoint = NginxProxyTarget.endpoint(fromUpstreamServer: server, stream: stream) {
                        servers.append(endpoint)
                    }
                }
                let upstream = Upstream(
                    name: name,
                    directive: directive,
                    servers: servers,
                    keepalive: block.last { $0.name == "keepalive" && $0.block == nil }
                )
                if stream { streamUpstreams[name] = upstream } else { upstreams[name] = upstream }
            case "map" where !stream:
                if directive.arguments.count >= 2 { maps[directive.arguments[1].value] = directive }
            case "geo" where !stream:
                geos.append(directive)
            default:
                break
            }
        }
    }

    private mutating func walk(_ scope: NginxScope, stream: Bool) {
        for directive in scope.innermost.children {
            if directive.name == "proxy_pass" && directive.block == nil && scope.innermost.kind != .http {
                let target = NginxProxyTarget(
                    directive,
                    upstreams: stream ? streamUpstreams : upstreams,
                    stream: stream
                )
                sites.append(ProxySite(directive: directive, scope: scope, isStream: stream, target: target))
            }
            guard let block = directive.block else { continue }
            let kind: NginxScope.Kind
            switch (directive.name, scope.innermost.kind) {
            case ("server", .http): kind = .server
            case ("server", .stream): kind = .streamServer
            case ("location", .server), ("location", .location): kind = .location
            case ("if", .location), ("if", .server): kind = .ifBlock
            case ("limit_except", .location): kind = .limitExcept
            default: continue
            }
            var inner = scope
            inner.levels.append(.init(kind: kind, directive: directive, children: block))
            if kind == .server {
                serverIndex[ObjectIdentifier(inner.innermost)] = servers.count
                servers.append(Server(scope: inner, terminatesTLS: Self.terminatesTLS(block)))
            }
            if !stream { blocks.append(inner) }
            if kind == .location, let server = inner.server {
                locationsByServer[ObjectIdentifier(server), default: []].append(inner)
            }
            walk(inner, stream: stream)
        }
    }

    static func terminatesTLS(_ server: [NginxDirective]) -> Bool {
        for directive in server where directive.block == nil {
            if directive.name == "listen"
                && directive.values.dropFirst().contains(where: { $0 == "ssl" || $0 == "quic" })
            {
                return true
            }
            if directive.name == "ssl" && directive.firstValue == "on" { return true }
        }
        return false
    }

    /// Every http scope once: the http levels, then each server, location, `if` and
    /// `limit_except` block, outermost first.
    var scopes: [NginxScope] { httpRoots.filter { $0.innermost.kind == .http } + blocks }

    /// The server around `scope`, if any.
    func server(around scope: NginxScope) -> Server? {
        guard let level = scope.server, let index = serverIndex[ObjectIdentifier(level)] else { return nil }
        return servers[index]
    }

    /// The location scopes (nested ones too) of the server `server` opens.
    func locations(in server: NginxScope) -> [NginxScope] {
        guard let level = server.server else { return [] }
        return locationsByServer[ObjectIdentifier(level)] ?? []
    }
}
