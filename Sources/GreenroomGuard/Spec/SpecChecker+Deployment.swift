import GreenroomCore
import GreenroomDeploy

extension SpecChecker {
    /// GR009: TLS ends at the proxy, but nothing tells the app the request was HTTPS.
    func schemeFindings() -> [Finding] {
        let app = spec.app
        guard spec.proxy.tls != nil, spec.proxy.kind != .none || spec.kubernetes != nil else { return [] }
        if spec.kubernetes != nil {
            guard app.proxyProtocol != .off else { return [] }
            return [
                Rule.specSchemeLost.finding(
                    at: at("proxy.tls"),
                    "proxy.tls: TLS ends at the gateway, whose PROXY header names the client but carries no TLS "
                        + "details, and the app believes no X-Forwarded-Proto from a client, so it sees every request as http",
                    fix: "set app.proxy_protocol: off: the app then reads X-Forwarded-Proto from the gateway"
                )
            ]
        }
        if spec.proxy.kind == .nginx, app.proxyProtocol != .off {
            return [
                Rule.specSchemeLost.finding(
                    at: at("proxy.tls"),
                    "proxy.tls: TLS ends at nginx's stream proxy, which sends the PROXY protocol v1 (no TLS details) "
                        + "and no X-Forwarded-Proto, so the app sees every request as http",
                    fix: "set app.proxy_protocol: off (nginx's http proxy sets X-Forwarded-Proto $scheme), "
                        + "or use HAProxy with proxy_protocol: v2, which carries the TLS details"
                )
            ]
        }
        if app.exec != nil, !app.runsGreenroomServe {
            return [
                Rule.specSchemeLost.finding(
                    at: at("app.exec"),
                    "app.exec runs \(app.effectiveExec[0]), not greenroom serve: TLS ends at the proxy, so that app must "
                        + "read X-Forwarded-Proto (or Forwarded proto=) from \(app.trust) to know requests were HTTPS",
                    fix: "configure the app to trust the proxy's forwarding headers (e.g. ProxyFix, "
                        + "trusted_proxies, set_real_ip_from)",
                    severity: .info
                )
            ]
        }
        return []
    }

    /// GR012 (sandbox off) and GR002 (app hosts without the unit's address filter).
    func sandboxFindings() -> [Finding] {
        guard !spec.systemd.hardening else { return [] }
        let place = at("systemd.hardening")
        if let hosts = spec.app.hosts, !hosts.addresses.isEmpty {
            return [
                Rule.specPublicBind.finding(
                    at: place,
                    "systemd.hardening: false drops the unit's IPAddressDeny=any/IPAddressAllow, the only thing that "
                        + "keeps hosts other than the balancers from reaching the app on "
                        + hosts.addresses.map(\.description).joined(separator: ", "),
                    fix: "set systemd.hardening: true, or firewall the app's port so only the balancers reach it "
                        + "(and prove it with `greenroom check --live` on each app host)"
                )
            ]
        }
        if spec.proxy.kind == .none && spec.app.allowPublic { return [] }
        return [
            Rule.specSandbox.finding(
                at: place,
                "systemd.hardening: false turns off the unit's sandbox, including IPAddressDeny=any, which keeps the "
                    + "app unreachable from other hosts even if it binds a wildcard by mistake",
                fix: "set systemd.hardening: true and list exceptions in systemd.read_write_paths and app.outbound"
            )
        ]
    }

    /// GR013: `app.hops` larger than the number of proxies in front of the app.
    func hopsFindings() -> [Finding] {
        guard let hops = spec.app.hops, spec.proxy.kind != .none else { return [] }
        let proxies = spec.proxy.realIP == nil ? 1 : 2
        guard hops > proxies else { return [] }
        let chain =
            spec.proxy.realIP == nil ? "one proxy" : "two proxies (proxy.real_ip's balancer and \(spec.proxy.kind))"
        return [
            Rule.specHopsTooMany.finding(
                at: at("app.hops"),
                "app.hops: \(hops) counts \(hops) proxies, but this deployment has \(chain): X-Forwarded-For "
                    + "entry \(hops) from the right was written by no proxy",
                fix: "set app.hops: \(proxies), or remove it and let the app walk its trust list"
            )
        ]
    }
}
