import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR026, GR027: what realip believes.
    func realIPFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var findings: [Finding] = []
        var seen = Set<SourceLocation>()
        let scopes = analysis.httpRoots + analysis.blocks
        for scope in scopes {
            for directive in scope.innermost.children where directive.name == "set_real_ip_from" {
                guard seen.insert(directive.location).inserted else { continue }
                if let finding = broadRealIP(directive) { findings.append(finding) }
            }
        }
        var reported = Set<SourceLocation>()
        for scope in scopes {
            guard let header = scope.innermost.simple["real_ip_header"]?.last,
                reported.insert(header.location).inserted
            else { continue }
            let from = scope.effective("set_real_ip_from").directives
            if from.isEmpty {
                findings.append(
                    Rule.nginxRealIPMisuse.finding(
                        at: header.location,
                        "real_ip_header \(header.firstValue) has no effect: no set_real_ip_from applies here",
                        fix: "add `set_real_ip_from <your load balancer's address>;` next to it, or remove it"
                    )
                )
            } else if header.firstValue.lowercased() == "x-forwarded-for", from.count >= 2,
                scope.nearest("real_ip_recursive")?.firstValue != "on"
            {
                findings.append(
                    Rule.nginxRealIPMisuse.finding(
                        at: header.location,
                        "\(from.count) proxies are trusted but real_ip_recursive is off: nginx takes the rightmost "
                            + "X-Forwarded-For entry, which is the nearer proxy, not the client",
                        fix: "real_ip_recursive on;"
                    )
                )
            }
        }
        return findings
    }

    private func broadRealIP(_ directive: NginxDirective) -> Finding? {
        let value = directive.firstValue
        if value == "unix:" { return nil }
        guard let parsed = CIDRText(value) else { return nil }
        let rule = Rule.nginxRealIPTooBroad
        switch parsed.breadth {
        case .huge:
            let what =
                parsed.block.matchesEverything ? "every address" : "\(parsed.block), far more than a load balancer"
            return rule.finding(
                at: directive.location,
                "set_real_ip_from \(value) trusts \(what): any client can set its own address with the real_ip_header",
                fix: "list only your load balancer or CDN: set_real_ip_from <its address or published ranges>;"
            )
        case .largePublic:
            return rule.finding(
                at: directive.location,
                "set_real_ip_from \(value) trusts a large public block; every host in it can choose client addresses",
                fix: "list only the exact ranges your CDN or load balancer publishes",
                severity: .warning
            )
        case .narrow:
            guard let app, !parsed.block.network.unmapped.isLoopback else { return nil }
            if app.outerProxies.isEmpty {
                return rule.finding(
                    at: directive.location,
                    "set_real_ip_from \(value) lets hosts there choose the client address, but the deployment "
                        + "has no outer proxy in front of nginx",
                    fix: "remove set_real_ip_from (and real_ip_header), or list the load balancer as an outer "
                        + "proxy in the spec (proxy.real_ip.from)",
                    severity: .warning
                )
            }
            guard !app.outerProxies.contains(where: { $0.contains(parsed.block) }) else { return nil }
            return rule.finding(
                at: directive.location,
                "set_real_ip_from \(value) is not one of the deployment's outer proxies ("
                    + app.outerProxies.map(\.description).joined(separator: ", ") + ")",
                fix: "trust only the listed outer proxies, or add this one to the spec",
                severity: .warning
            )
        }
    }
}
