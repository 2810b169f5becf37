/// The parts of an Apache httpd configuration the rules look at: virtual hosts, balancers, and
/// every proxying directive with the section chain around it.
///
/// Conditional sections (`<IfModule>`, `<IfDefine>`, `<IfVersion>`, `<If>`...) are looked
/// through: the guard cannot know which branch httpd takes, so it checks what is written.
struct ApacheAnalysis: Sendable {
    /// A place in the configuration: the virtual host (nil for the main server) and the
    /// directory-like sections around it (`<Location>`, `<Proxy>`...), outermost first.
    struct Scope: Sendable {
        var global: [ApacheDirective]
        var virtualHost: ApacheDirective?
        var virtualHostChildren: [ApacheDirective]
        var sections: [(section: ApacheDirective, children: [ApacheDirective])]

        /// The levels' directives, outermost (main server) first.
        var levels: [[ApacheDirective]] { [global] + (virtualHost == nil ? [] : [virtualHostChildren]) + sections.map(\.children) }

        /// The innermost occurrence of a directive (case-insensitive key), searching outwards.
        func nearest(_ key: String) -> ApacheDirective? {
            for level in levels.reversed() {
                if let found = level.last(where: { $0.key == key }) { return found }
            }
            return nil
        }

        /// Every occurrence of a directive, outermost level first, in order (mod_headers and
        /// mod_remoteip lists merge this way).
        func all(_ key: String) -> [ApacheDirective] { levels.flatMap { $0.filter { $0.key == key } } }

        /// The directives of the innermost of the server levels (virtual host, else main) that has
        /// `key` (httpd's per-server merge: a virtual host's list replaces the main server's).
        func serverList(_ key: String) -> [ApacheDirective] {
            let own = virtualHostChildren.filter { $0.key == key }
            return own.isEmpty ? global.filter { $0.key == key } : own
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
                location: directive.location, keyword: directive.name, raw: url, group: balancer,
                endpoints: endpoints, hasVariables: hasVariables)
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

    init(_ config: ApacheConfig) {
        global = Self.flatten(config.directives)
        for directive in global where directive.key == "virtualhost" {
            virtualHosts.append((directive, Self.flatten(directive.children ?? [])))
        }
        let globalScope = Scope(global: global, virtualHost: nil, virtualHostChildren: [], sections: [])
        collectBalancers(global)
        for host in virtualHosts { collectBalancers(host.children) }
        walk(global, scope: globalScope)
        for host in virtualHosts {
            walk(host.children, scope: Scope(global: global, virtualHost: host.directive, virtualHostChildren: host.children, sections: []))
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
            guard let name = directive.arguments.first?.value.lowercased(), name.hasPrefix("balancer://") else { continue }
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
            var inner = scope
            inner.sections.append((directive, Self.flatten(children)))
            walk(Self.flatten(children), scope: inner)
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
        let hasVariables = url.contains("$") || url.contains("%{")
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
            directive: directive, scope: scope, path: path, url: url, parameters: parameters, endpoints: endpoints,
            balancer: balancer, hasVariables: hasVariables)
    }

    /// RewriteRule flags (`[P,L]` → `["p", "l"]`).
    static func flags(_ text: String) -> [String] {
        text.trimmingCharacters(in: "[]").lowercased().split(separator: ",").map { String($0).trimmingCharacters(in: " ") }
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
