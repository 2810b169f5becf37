import GreenroomConfigParsing

extension ApacheChecker {
    /// GR056, GR057, GR061: how mod_proxy passes requests on (forward proxying, trailing slashes,
    /// WebSocket upgrades).
    func proxyingFindings(_ analysis: ApacheAnalysis) -> [Finding] {
        var findings: [Finding] = []
        for (directive, _) in analysis.all where directive.key == "proxyrequests" {
            guard directive.values.first?.lowercased() == "on" else { continue }
            findings.append(
                Rule.apacheOpenForwardProxy.finding(
                    at: directive.location,
                    "ProxyRequests On makes httpd a forward proxy for anyone who can reach it",
                    fix: "ProxyRequests Off"
                )
            )
        }
        for site in analysis.sites where site.directive.key == "proxypass" {
            guard let path = site.path, site.scope.sections.isEmpty else { continue }
            let urlPath = ApacheTarget.path(of: site.url)
            let pathSlash = path.hasSuffix("/")
            let urlSlash = urlPath.hasSuffix("/")
            guard pathSlash != urlSlash else { continue }
            let fixed = pathSlash ? site.url + "/" : String(site.url.dropLast())
            findings.append(
                Rule.apacheTrailingSlash.finding(
                    at: site.directive.location,
                    "ProxyPass \(path) \(site.url): the path \(pathSlash ? "ends" : "does not end") with '/' but the URL "
                        + "\(urlSlash ? "does" : "does not"), so request paths are glued together wrongly",
                    fix: "ProxyPass \"\(path)\" \"\(fixed)\""
                )
            )
        }
        if let app, !app.websocketPaths.isEmpty {
            let sites = appSites(analysis).filter { $0.path != nil }
            for path in app.websocketPaths {
                guard let site = sites.filter({ path.hasPrefix($0.path!) }).max(by: { $0.path!.count < $1.path!.count })
                else { continue }
                let scheme = site.url.lowercased()
                let upgrades =
                    scheme.hasPrefix("ws://") || scheme.hasPrefix("wss://") || scheme.contains("|ws")
                    || site.parameters["upgrade"].map { !$0.isEmpty && $0.lowercased() != "none" } ?? false
                guard !upgrades else { continue }
                findings.append(
                    Rule.apacheWebSocketUpgrade.finding(
                        at: site.directive.location,
                        "WebSocket path \(path) is proxied by \(site.directive.name) \(site.path!) without upgrade=websocket",
                        fix: "ProxyPass \"\(site.path!)\" \"\(site.url)\" upgrade=websocket"
                    )
                )
            }
        }
        return findings
    }
}
