import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR031, GR032: upstream keepalive and WebSocket locations.
    func upstreamFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var findings: [Finding] = []
        for site in analysis.sites where !site.isStream {
            guard let name = site.target.upstream, let upstream = analysis.upstreams[name], upstream.keepalive != nil
            else {
                continue
            }
            var problems: [String] = []
            var fixes: [String] = []
            if site.scope.nearest("proxy_http_version")?.firstValue != "1.1" {
                problems.append("nginx speaks HTTP/1.0 to it")
                fixes.append("proxy_http_version 1.1;")
            }
            if let problem = connectionProblem(site.scope, analysis: analysis) {
                problems.append(problem)
                fixes.append("proxy_set_header Connection \"\";")
            }
            guard !problems.isEmpty else { continue }
            findings.append(
                Rule.nginxKeepaliveUnused.finding(
                    at: site.directive.location,
                    "upstream '\(name)' has keepalive, but " + problems.joined(separator: " and ")
                        + ", so every request opens a new connection",
                    fix: fixes.joined(separator: " ")
                )
            )
        }
        if let app, !app.websocketPaths.isEmpty {
            findings += webSocketFindings(analysis, paths: app.websocketPaths)
        }
        return findings
    }

    /// Why the Connection header sent upstream closes the connection, or `nil` when it does not.
    private func connectionProblem(_ scope: NginxScope, analysis: NginxAnalysis) -> String? {
        guard let directive = scope.proxyHeader("Connection") else { return "the Connection header is 'close'" }
        let value = directive.arguments.count >= 2 ? directive.arguments[1].value : ""
        if value.isEmpty || value.lowercased() == "keep-alive" { return nil }
        if value.lowercased() == "close" { return "the Connection header is 'close'" }
        guard value.hasPrefix("$"), let map = analysis.maps[value], let entries = map.block else { return nil }
        let empty = entries.first { $0.name.isEmpty && $0.arguments.count == 1 }
        let fallback = entries.first { $0.name == "default" && $0.arguments.count == 1 }
        guard let chosen = empty ?? fallback, chosen.firstValue.lowercased() == "close" else { return nil }
        return
            "map \(value) turns Connection into 'close' for ordinary requests (\(chosen.location.reference(from: scope.location ?? chosen.location)))"
    }

    /// GR032: each WebSocket path must reach a location that passes Upgrade and Connection.
    private func webSocketFindings(_ analysis: NginxAnalysis, paths: [String]) -> [Finding] {
        var findings: [Finding] = []
        var reported = Set<SourceLocation>()
        let sites = appSites(analysis).filter { !$0.isStream }
        let servers = Set(sites.compactMap { analysis.server(around: $0.scope)?.scope.location })
        var siteByLocation: [SourceLocation: NginxAnalysis.ProxySite] = [:]
        for site in sites {
            if let location = site.scope.locations.last?.directive?.location, siteByLocation[location] == nil {
                siteByLocation[location] = site
            }
        }
        for server in analysis.servers where server.scope.location.map(servers.contains) ?? false {
            let locations = analysis.locations(in: server.scope)
            for path in paths {
                guard let chosen = NginxLocationMatcher.select(path, among: locations),
                    let location = chosen.innermost.directive?.location, let site = siteByLocation[location]
                else { continue }
                var missing: [String] = []
                if site.scope.nearest("proxy_http_version")?.firstValue != "1.1" {
                    missing.append("proxy_http_version 1.1;")
                }
                let upgrade = site.scope.proxyHeader("Upgrade").map {
                    $0.arguments.count >= 2 ? $0.arguments[1].value : ""
                }
                if upgrade.map({ !$0.lowercased().contains("upgrade") && !$0.lowercased().contains("websocket") })
                    ?? true
                {
                    missing.append("proxy_set_header Upgrade $http_upgrade;")
                }
                let connection = site.scope.proxyHeader("Connection").map {
                    $0.arguments.count >= 2 ? $0.arguments[1].value : ""
                }
                if connection.map({ !$0.lowercased().contains("upgrade") }) ?? true {
                    missing.append("proxy_set_header Connection $connection_upgrade;")
                }
                guard !missing.isEmpty, reported.insert(site.directive.location).inserted else { continue }
                findings.append(
                    Rule.nginxWebSocketHeaders.finding(
                        at: site.directive.location,
                        "WebSocket path \(path) is proxied here without " + missing.joined(separator: " "),
                        fix: missing.joined(separator: " ")
                            + (missing.contains { $0.contains("$connection_upgrade") }
                                ? " (with map $http_upgrade $connection_upgrade { default upgrade; '' \"\"; } in http)"
                                : "")
                    )
                )
            }
        }
        return findings
    }
}
