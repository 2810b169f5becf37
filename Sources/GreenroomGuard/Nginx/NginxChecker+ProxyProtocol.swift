import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR033, GR034: PROXY protocol expected by the app versus sent by nginx.
    func proxyProtocolFindings(_ analysis: NginxAnalysis) -> [Finding] {
        guard let app else { return [] }
        var findings: [Finding] = []
        for site in appSites(analysis) {
            let sends = site.isStream && site.scope.nearest("proxy_protocol")?.firstValue == "on"
            switch app.proxyProtocol {
            case .required where !site.isStream:
                findings.append(
                    Rule.nginxProxyProtocolMissing.finding(
                        at: site.directive.location,
                        "the app requires PROXY protocol, but this http proxy_pass cannot send it",
                        fix: "proxy to the app from a stream { server { ... proxy_protocol on; } } block, "
                            + "or set the app's proxy protocol to off"
                    )
                )
            case .required where !sends:
                findings.append(
                    Rule.nginxProxyProtocolMissing.finding(
                        at: site.directive.location,
                        "the app requires PROXY protocol, but this stream proxy_pass does not send it",
                        fix: "add `proxy_protocol on;` next to the proxy_pass"
                    )
                )
            case .off where sends:
                let on = site.scope.nearest("proxy_protocol")
                findings.append(
                    Rule.nginxProxyProtocolUnexpected.finding(
                        at: on?.location ?? site.directive.location,
                        "nginx sends a PROXY protocol header, but the app does not expect one and will reject the connection",
                        fix: "remove `proxy_protocol on;` or start the app with --proxy-protocol required"
                    )
                )
            default:
                break
            }
        }
        return findings
    }
}
