import GreenroomCore
import GreenroomDeploy

extension SpecChecker {
    /// GR003, GR004 and GR010 beyond the loader's "trusts everyone": huge blocks, blocks that
    /// cover everything together, public ranges, trust wider than the proxy.
    func trustFindings() -> [Finding] {
        var findings: [Finding] = []
        let app = spec.app
        let trustWritten = spec.locations.isWritten("app.trust") || spec.locations.keys["app.trust"] != nil
        func path(_ index: Int) -> String {
            if trustWritten { return "app.trust[\(index)]" }
            return app.hosts != nil ? "app.hosts.balancers[\(index)]" : "app.trust"
        }
        var blocks: [CIDR] = []
        for (index, entry) in app.trust.entries.enumerated() {
            switch entry {
            case .cidr(let block):
                blocks.append(block)
                guard !block.matchesEverything else { continue }  // the loader's GR003
                if var finding = tooBroad(block, at: path(index), rule: .specTrustTooBroad, what: "the app") {
                    finding.optIn = .trustPublicRanges
                    findings.append(finding)
                } else if let finding = beyondProxy(block, at: path(index)) {
                    findings.append(finding)
                }
            case .loopback, .unix:
                if app.hosts != nil {
                    findings.append(
                        Rule.specTrustBeyondProxy.finding(
                            at: at(path(index), else: "app.trust"),
                            "app.trust lists '\(entry)', but with app.hosts the app binds a private address and only the balancers connect; greenroom serve refuses this",
                            fix: "trust exactly the balancers: remove '\(entry)' from app.trust",
                            severity: .error
                        )
                    )
                }
            }
        }
        if !blocks.contains(where: \.matchesEverything) {
            for family in AddressCoverage.familiesCovered(by: blocks) {
                var finding = Rule.specTrustTooBroad.finding(
                    at: at("app.trust", else: "app.hosts.balancers"),
                    "app.trust: the blocks together cover every \(family == .v4 ? "IPv4" : "IPv6") address, so any client could choose its own address",
                    fix: "list only the proxy's addresses (loopback for a proxy on this host)"
                )
                finding.optIn = .trustEveryone
                findings.append(finding)
            }
        }
        findings += realIPFindings()
        return findings
    }

    /// GR003 / GR010 for one block: wider than a /8 or /16, or a public range.
    private func tooBroad(_ block: CIDR, at path: String, rule: Rule, what: String) -> Finding? {
        if AddressCoverage.isHuge(block) {
            return rule.finding(
                at: at(path),
                "\(path): \(block) is \(block.addressCount.description) addresses; \(what) believes a forged client address from any of them",
                fix: "list the proxy's own addresses instead of \(block)"
            )
        }
        if rule == .specTrustTooBroad && AddressCoverage.isPublicRange(block) {
            return rule.finding(
                at: at(path),
                "\(path): \(block) is a range of public addresses; any client in it can forge its address",
                fix:
                    "trust the proxy's own address(es): loopback for a proxy on this host, the balancers' private addresses otherwise"
            )
        }
        if rule == .specRealIPTooBroad && AddressCoverage.isLargePublic(block) {
            return rule.finding(
                at: at(path),
                "\(path): \(block) is a large public block; every client in it can name its own address",
                fix: "list the outer balancer's or CDN's published ranges only",
                severity: .warning
            )
        }
        return nil
    }

    /// GR004: a block the proxy never connects from.
    private func beyondProxy(_ block: CIDR, at path: String) -> Finding? {
        let app = spec.app
        if block.network.isLoopback { return nil }
        // In a cluster the gateway's pods are the proxy; the loader refuses trust outside their range.
        if let kubernetes = spec.kubernetes, kubernetes.gateway.addresses.contains(where: { $0.contains(block) }) {
            return nil
        }
        if let hosts = app.hosts {
            if hosts.balancers.contains(where: { $0.contains(block) }) { return nil }
            let wider = hosts.balancers.filter { block.contains($0) }
            let what =
                wider.isEmpty
                ? "\(block) is not one of the balancers (\(hosts.balancers.map(\.description).joined(separator: ", ")))"
                : "\(block) is wider than the balancers (\(wider.map(\.description).joined(separator: ", ")))"
            return Rule.specTrustBeyondProxy.finding(
                at: at(path),
                "\(path): \(what); every host in it could forge client addresses",
                fix: "trust exactly the balancers' addresses"
            )
        }
        if spec.proxy.kind == .none {
            return Rule.specTrustBeyondProxy.finding(
                at: at(path),
                "\(path): no proxy is configured (proxy.kind: none), but the app trusts \(block)",
                fix: "remove app.trust for direct serving, or configure the proxy in proxy.kind"
            )
        }
        let whole = AddressCoverage.containsWholePrivateNetwork(block)
        return Rule.specTrustBeyondProxy.finding(
            at: at(path),
            "\(path): \(block) is \(whole ? "a whole private network" : "not this host"), but the proxy runs on this host and connects from \(app.unixPath != nil ? "the unix socket" : "loopback")",
            fix: "trust only \(app.unixPath != nil ? "unix" : "loopback")"
        )
    }

    /// GR010: `proxy.real_ip.from` wider than an outer balancer or CDN.
    private func realIPFindings() -> [Finding] {
        guard let realIP = spec.proxy.realIP else { return [] }
        var findings: [Finding] = []
        for (index, block) in realIP.from.enumerated() where !block.matchesEverything {
            let path = "proxy.real_ip.from[\(index)]"
            if let finding = tooBroad(block, at: path, rule: .specRealIPTooBroad, what: "the proxy") {
                findings.append(finding)
            }
        }
        if !realIP.from.contains(where: \.matchesEverything) {
            for family in AddressCoverage.familiesCovered(by: realIP.from) {
                findings.append(
                    Rule.specRealIPTooBroad.finding(
                        at: at("proxy.real_ip.from"),
                        "proxy.real_ip.from: the blocks together cover every \(family == .v4 ? "IPv4" : "IPv6") address, so any client could name its own address",
                        fix: "list the outer balancer's or CDN's addresses only"
                    )
                )
            }
        }
        return findings
    }
}
