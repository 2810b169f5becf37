import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR039, GR045, GR046, GR102, GR116: how request paths become files and upstream paths.
    func pathFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var findings: [Finding] = []
        for scope in analysis.scopes {
            let level = scope.innermost
            for directive in (level.simple["root"] ?? []) + (level.simple["alias"] ?? []) {
                if Self.systemDirectories.contains(Self.trimmedDirectory(directive.firstValue)) {
                    findings.append(
                        Rule.nginxRootExposure.finding(
                            at: directive.location,
                            "\(directive.name) \(directive.firstValue) serves the host's own files to any client",
                            fix: "point \(directive.name) at the site's own directory (/var/www/<site>)"
                        )
                    )
                }
            }
            if level.kind == .location, let location = level.directive, let alias = level.simple["alias"]?.last {
                findings += aliasTraversal(location, alias: alias)
            }
            if level.kind == .ifBlock, scope.levels.count >= 2, scope.levels[scope.levels.count - 2].kind == .location,
                let condition = level.directive
            {
                let unsafe = level.children.first { !Self.safeInsideIf.contains($0.name) }
                if let unsafe {
                    findings.append(
                        Rule.nginxIfIsEvil.finding(
                            at: unsafe.location,
                            "\(unsafe.name) inside `if` in a location applies to a nested location of its own, "
                                + "not the one around it",
                            fix: "move the test into a map, or keep only return / rewrite ... last inside the if",
                            related: [condition.location]
                        )
                    )
                }
            }
            // One candidate is the open() nginx does anyway; each further one is a stat().
            for directive in level.simple["try_files"] ?? [] where directive.arguments.count >= 3 {
                let cache = scope.nearest("open_file_cache")?.firstValue.lowercased()
                guard cache == nil || cache == "off" else { continue }
                findings.append(
                    Rule.nginxTryFilesWithoutCache.finding(
                        at: directive.location,
                        "try_files checks the file system on every request and no open_file_cache applies here",
                        fix: "open_file_cache max=10000 inactive=30s; (in http or server)"
                    )
                )
            }
        }
        for site in analysis.sites where !site.isStream {
            guard let uri = Self.uriPart(site.target), !uri.contains("$") else { continue }
            // A regex location cannot have a URI; an exact one replaces the whole (fixed) path.
            guard let location = site.scope.locations.last?.directive, !Self.isRegexLocation(location),
                location.firstValue != "="
            else { continue }
            findings.append(
                Rule.nginxProxyPassNormalized.finding(
                    at: site.directive.location,
                    "proxy_pass \(site.target.raw) replaces the location prefix in the decoded, normalised path: "
                        + "the app does not see the path the client sent (%2F, .. and // are resolved)",
                    fix: "proxy_pass without a URI (proxy_pass \(site.target.scheme)://\(site.target.host);), "
                        + "and strip the prefix in the app"
                )
            )
        }
        return findings
    }

    /// GR039 for one location.
    private func aliasTraversal(_ location: NginxDirective, alias: NginxDirective) -> [Finding] {
        let values = location.values
        guard let path = values.last else { return [] }
        let modifier = values.count >= 2 ? values[0] : ""
        guard modifier == "" || modifier == "^~", !path.hasSuffix("/"), alias.firstValue.hasSuffix("/") else {
            return []
        }
        return [
            Rule.nginxAliasTraversal.finding(
                at: alias.location,
                "location \(path) has no trailing slash but alias \(alias.firstValue) has one: "
                    + "\(path)../ reads the directory above \(alias.firstValue)",
                fix: "location \(modifier.isEmpty ? "" : modifier + " ")\(path)/ { alias \(alias.firstValue); }",
                related: [location.location]
            )
        ]
    }

    /// The URI part of an http `proxy_pass` target (`/` in `http://app/`), if it has one.
    static func uriPart(_ target: NginxProxyTarget) -> String? {
        guard let separator = target.raw.firstRange(of: "://") else { return nil }
        let rest = target.raw[separator.upperBound...]
        guard rest.hasPrefix(target.host) else { return nil }
        var uri = rest.dropFirst(target.host.count)
        if target.host.hasPrefix("unix:") {
            guard uri.hasPrefix(":") else { return nil }
            uri = uri.dropFirst()
        }
        return uri.isEmpty ? nil : String(uri)
    }

    /// `true` for `location ~ ...` and `location ~* ...`.
    static func isRegexLocation(_ location: NginxDirective) -> Bool {
        let first = location.firstValue
        return location.arguments.count >= 2 && (first == "~" || first == "~*")
    }

    private static func trimmedDirectory(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    /// Directories no site should serve.
    private static let systemDirectories: Set<String> = [
        "/", "/etc", "/root", "/home", "/proc", "/sys", "/boot", "/dev", "/usr", "/var", "/var/lib", "/run",
    ]

    /// What is safe inside `if` in a location (the rewrite module's own directives).
    private static let safeInsideIf: Set<String> = ["return", "rewrite", "set", "break"]
}
