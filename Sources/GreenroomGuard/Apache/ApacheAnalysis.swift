import GreenroomConfigParsing
import GreenroomCore

/// The parts of an Apache httpd configuration the rules look at: virtual hosts, balancers, and
/// every proxying directive with the section chain around it.
///
/// Conditional sections (`<IfModule>`, `<IfDefine>`, `<IfVersion>`, `<If>`...) are looked
/// through: the guard cannot know which branch httpd takes, so it checks what is written.
struct ApacheAnalysis: Sendable {
    /// The directives of one level, indexed by lower-cased name.
    struct Level: Sendable {
        let directives: [ApacheDirective]
        let byKey: [String: [ApacheDirective]]

        init(_ directives: [ApacheDirective]) {
            self.directives = directives
            var byKey: [String: [ApacheDirective]] = [:]
            for directive in directives { byKey[directive.key, default: []].append(directive) }
            self.byKey = byKey
        }

        subscript(key: String) -> [ApacheDirective] { byKey[key] ?? [] }
    }

    /// A place in the configuration: the virtual host (nil for the main server) and the
    /// directory-like sections around it (`<Location>`, `<Proxy>`...), outermost first.
    struct Scope: Sendable {
        var global: Level
        var virtualHost: ApacheDirective?
        var host: Level?
        var sections: [(section: ApacheDirective, level: Level)]

        /// The levels, outermost (main server) first.
        var levels: [Level] { [global] + (host.map { [$0] } ?? []) + sections.map(\.level) }

        /// The innermost occurrence of a directive (case-insensitive key), searching outwards.
        func nearest(_ key: String) -> ApacheDirective? {
            for level in levels.reversed() {
                if let found = level[key].last { return found }
            }
            return nil
        }

        /// Every occurrence of a directive, outermost level first, in order (mod_headers lists
        /// merge this way).
        func all(_ key: String) -> [ApacheDirective] { levels.flatMap { $0[key] } }

        /// The directives of the innermost server level (virtual host, else main) that has `key`
        /// (httpd's per-server merge: a virtual host's list replaces the main server's).
        func serverList(_ key: String) -> [ApacheDirective] {
            let own = host?[key] ?? []
            return own.isEmpty ? global[key] : own
        }
    }

    /// A proxying directive: `ProxyPass`, `ProxyPassMatch`, or `RewriteRule ... [P]`.
    struct Site: Sendable {
        var directive: ApacheDirective
        var scope: Scope
        /// The URL path it serves (`/`, `/ws`), `nil` for regex forms.
        var path: String?
        /// The target URL as written.
        var url: String
        /// `key=value` parameters after the URL.
        var parameters: [String: String]
        var endpoints: [ProxyEndpoint]
        var balancer: String?
        var hasVariables: Bool

        var route: ProxyRoute {
            ProxyRoute(
                location: directive.location,
                keyword: directive.name,
                raw: url,
                group: balancer,
                endpoints: endpoints,
                hasVariables: hasVariables
            )
        }
    }

    /// Sections that are conditions, not places: their contents belong to the enclosing level.
    static let transparent: Set<String> = [
        "ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection", "if", "elseif", "else",
    ]

    /// The main server's directives (conditional sections flattened).
    var global: [ApacheDirective] = []
    /// Every `<VirtualHost>` with its flattened children.
    var virtualHosts: [(directive: ApacheDirective, children: [ApacheDirective])] = []
    /// `<Proxy balancer://name>` members, by name (`balancer://name`).
    var balancers: [String: [ProxyEndpoint]] = [:]
    var sites: [Site] = []
    /// Every directive with its scope, for rules that look at all of them.
    var all: [(directive: ApacheDirective, scope: Scope)] = []
    /// The configuration analysed, for what the rules say about it as a whole (its main file).
    let config: ApacheConfig

    init(_ config: ApacheConfig) {
        self.config = config
        global = Self.flatten(config.directives)
        for directive in global where directive.key == "virtualhost" {
            virtualHosts.append((directive, Self.flatten(directive.children ?? [])))
        }
        let globalLevel = Level(global)
        collectBalancers(global)
        for host in virtualHosts { collectBalancers(host.children) }
        walk(global, scope: Scope(global: globalLevel, virtualHost: nil, host: nil, sections: []))
        for host in virtualHosts {
            walk(
                host.children,
                scope: Scope(global: globalLevel, virtualHost: host.directive, host: Level(host.children), sections: [])
            )
        }
    }

    /// The directives with conditional sections replaced by their contents.
    static func flatten(_ directives: [ApacheDirective]) -> [ApacheDirective] {
        var result: [ApacheDirective] = []
        for directive in directives {
            if transparent.contains(directive.key), let children = directive.children {
                result += flatten(children)
            } else {
                result.append(directive)
            }
        }
        return result
    }

    private mutating func collectBalancers(_ directives: [ApacheDirective]) {
        for directive in directives where directive.key == "proxy" || directive.key == "proxymatch" {
            guard let name = directive.arguments.first?.value.lowercased(), name.hasPrefix("balancer://") else {
                continue
            }
            let members = Self.flatten(directive.children ?? []).filter { $0.key == "balancermember" }
            balancers[Self.balancerKey(name)] = members.flatMap { member in
                ApacheTarget.endpoints(of: member.arguments.first?.value ?? "", at: member.location)
            }
        }
    }

    private mutating func walk(_ directives: [ApacheDirective], scope: Scope) {
        for directive in directives {
            all.append((directive, scope))
            if let site = site(for: directive, scope: scope) { sites.append(site) }
            guard let children = directive.children, directive.key != "virtualhost" else { continue }
            let flattened = Self.flatten(children)
            var inner = scope
            inner.sections.append((directive, Level(flattened)))
            walk(flattened, scope: inner)
        }
    }

    private func site(for directive: ApacheDirective, scope: Scope) -> Site? {
        let values = directive.values
        var path: String? = nil
        var url: String
        var rest: ArraySlice<String>
        switch directive.key {
        case "proxypass", "proxypassmatch":
            let inSection = !scope.sections.isEmpty
            guard let first = values.first else { return nil }
            if inSection && !first.hasPrefix("/") && first != "!" {
                url = first
                rest = values.dropFirst()
                if directive.key == "proxypass", let section = scope.sections.last?.section, section.key == "location" {
                    path = section.arguments.first?.value
                }
            } else {
                guard values.count >= 2 else { return nil }
                if directive.key == "proxypass" { path = first }
                url = values[1]
                rest = values.dropFirst(2)
            }
        case "rewriterule":
            guard values.count >= 3, values[2].lowercased().contains("p"),
                values[2].hasPrefix("["), Self.flags(values[2]).contains("p")
            else { return nil }
            url = values[1]
            rest = []
        default:
            return nil
        }
        if url == "!" { return nil }
        var parameters: [String: String] = [:]
        for parameter in rest {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            parameters[parts[0].lowercased()] = parts.count > 1 ? String(parts[1]) : ""
        }
        // Only variables in the scheme or authority hide the destination (`http://b/$1` is fine).
        let authorityEnd =
            url.firstRange(of: "://").map { separator in
                url[separator.upperBound...].firstIndex(of: "/") ?? url.endIndex
            } ?? url.endIndex
        let head = url[..<authorityEnd]
        let hasVariables = head.contains("$") || head.contains("%")
        var endpoints: [ProxyEndpoint] = []
        var balancer: String? = nil
        if !hasVariables {
            let lowered = url.lowercased()
            if lowered.hasPrefix("balancer://") {
                let key = Self.balancerKey(lowered)
                balancer = key
                endpoints = balancers[key] ?? []
            } else {
                endpoints = ApacheTarget.endpoints(of: url, at: directive.location)
            }
        }
        return Site(
            directive: directive,
            scope: scope,
            path: path,
            url: url,
            parameters: parameters,
            endpoints: endpoints,
            balancer: balancer,
            hasVariables: hasVariables
        )
    }

    /// RewriteRule flags (`[P,L]` → `["p", "l"]`).
    static func flags(_ text: String) -> [String] {
        text.trimmingCharacters(in: "[]").lowercased().split(separator: ",").map {
            String($0).trimmingCharacters(in: " ")
        }
    }

    /// `balancer://name/path` → `balancer://name`.
    static func balancerKey(_ url: String) -> String {
        let rest = url.dropFirst("balancer://".count)
        return "balancer://" + rest.prefix { $0 != "/" }
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
