import GreenroomConfigParsing
import GreenroomCore

extension ApacheChecker {
    /// GR054, GR062: what mod_remoteip believes.
    func remoteIPFindings(_ analysis: ApacheAnalysis) -> [Finding] {
        var findings: [Finding] = []
        for (directive, scope) in analysis.all {
            switch directive.key {
            case "remoteiptrustedproxy", "remoteipinternalproxy":
                for value in directive.values {
                    guard let parsed = CIDRText(value) else { continue }
                    switch parsed.breadth {
                    case .huge:
                        findings.append(
                            Rule.apacheRemoteIPTooBroad.finding(
                                at: directive.location,
                                "\(directive.name) \(value) trusts \(parsed.block.matchesEverything ? "every address" : "\(parsed.block)"): "
                                    + "any client can set its own address with the RemoteIPHeader",
                                fix: "\(directive.name) <your load balancer's address>"
                            )
                        )
                    case .largePublic:
                        findings.append(
                            Rule.apacheRemoteIPTooBroad.finding(
                                at: directive.location,
                                "\(directive.name) \(value) trusts a large public block",
                                fix: "list only the exact ranges your CDN or load balancer publishes",
                                severity: .warning
                            )
                        )
                    case .narrow:
                        guard let app, !app.outerProxies.isEmpty,
                            !app.outerProxies.contains(where: { $0.contains(parsed.block) })
                        else { continue }
                        findings.append(
                            Rule.apacheRemoteIPTooBroad.finding(
                                at: directive.location,
                                "\(directive.name) \(value) is not one of the deployment's outer proxies",
                                fix: "trust only the listed outer proxies, or add this one to the spec",
                                severity: .warning
                            )
                        )
                    }
                }
            case "remoteipheader":
                let lists = [
                    "remoteiptrustedproxy", "remoteipinternalproxy", "remoteiptrustedproxylist",
                    "remoteipinternalproxylist",
                ]
                guard lists.allSatisfy({ scope.serverList($0).isEmpty }) else { continue }
                findings.append(
                    Rule.apacheRemoteIPUntrusted.finding(
                        at: directive.location,
                        "RemoteIPHeader \(directive.values.first ?? "") with no RemoteIPTrustedProxy or RemoteIPInternalProxy: "
                            + "mod_remoteip believes it from every client",
                        fix: "RemoteIPInternalProxy <your load balancer's address>"
                    )
                )
            default:
                break
            }
        }
        return findings
    }

    /// GR056, GR057, GR061.
    func miscellaneousFindings(_ analysis: ApacheAnalysis) -> [Finding] {
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
