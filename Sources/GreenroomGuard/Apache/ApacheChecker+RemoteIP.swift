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
                        guard let app else { continue }
                        if app.outerProxies.isEmpty {
                            findings.append(
                                Rule.apacheRemoteIPTooBroad.finding(
                                    at: directive.location,
                                    "\(directive.name) \(value) trusts outer proxies the spec does not have: "
                                        + "any host in \(parsed.block) can set the client address with the RemoteIPHeader",
                                    fix:
                                        "remove \(directive.name), or list the load balancer in the spec's outer proxies"
                                )
                            )
                            continue
                        }
                        guard !app.outerProxies.contains(where: { $0.contains(parsed.block) }) else { continue }
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
}
