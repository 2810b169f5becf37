import GreenroomCore

extension KubernetesChecker {
    /// GR170: an Envoy Gateway ClientTrafficPolicy that takes the client address from more
    /// X-Forwarded-For entries than there are proxies in front of it, or from anyone.
    func envoyGateway(in index: KubernetesIndex) -> [Finding] {
        var findings: [Finding] = []
        for policy in index.objects("ClientTrafficPolicy", group: "gateway.envoyproxy.io") {
            let forwardedFor = policy.root.at("spec", "clientIPDetection", "xForwardedFor")
            if let hops = forwardedFor?["numTrustedHops"], let count = hops.int, count > (gatewayHops ?? 0) {
                let known = gatewayHops != nil
                findings.append(
                    Rule.kubernetesGatewayTrustsClient.finding(
                        at: hops.location,
                        "\(policy.reference) trusts \(count) X-Forwarded-For hop\(count == 1 ? "" : "s") but "
                            + (known
                                ? "the spec puts \(gatewayHops!) proxies in front of the gateway"
                                : "nothing says a proxy is in front of the gateway")
                            + ": clients choose the address Envoy passes to the app",
                        fix: known
                            ? "numTrustedHops: \(gatewayHops!)"
                            : "numTrustedHops: 0 at the edge (or the number of load balancers that append to "
                                + "X-Forwarded-For in front of the gateway)",
                        severity: known ? .error : .warning
                    )
                )
            }
            if let header = policy.root.at("spec", "clientIPDetection")?.entry("customHeader"), (gatewayHops ?? 0) == 0
            {
                let name = header.value["name"]?.text ?? "a header"
                findings.append(
                    Rule.kubernetesGatewayTrustsClient.finding(
                        at: header.keyLocation,
                        "\(policy.reference) takes the client address from \(name)"
                            + (gatewayHops == nil
                                ? " and nothing says a proxy in front of the gateway sets it" : " at the edge")
                            + ": the client sends that header itself",
                        fix: "remove customHeader at the edge; use it only behind a proxy that overwrites the header",
                        severity: gatewayHops == nil ? .warning : .error
                    )
                )
            }
            for item in forwardedFor?["trustedCIDRs"]?.items ?? [] {
                guard let text = item.text, let block = try? CIDR(parsing: text), block.matchesEverything else {
                    continue
                }
                findings.append(
                    Rule.kubernetesGatewayTrustsClient.finding(
                        at: item.location,
                        "\(policy.reference) trusts X-Forwarded-For from \(text): every client chooses the address "
                            + "Envoy passes to the app",
                        fix: "trustedCIDRs: the load balancer's addresses only, or no xForwardedFor at the edge"
                    )
                )
            }
        }
        return findings
    }

    /// GR171, GR172, GR173: the ingress-nginx controller's ConfigMap (any ConfigMap with its keys).
    func ingressNginx(in index: KubernetesIndex) -> [Finding] {
        var findings: [Finding] = []
        for map in index.objects("ConfigMap", group: "") {
            guard let data = map.root["data"] else { continue }
            func on(_ key: String) -> ManifestNode? {
                guard let node = data[key], let text = node.text,
                    ["1", "t", "T", "true", "TRUE", "True"].contains(text)
                else { return nil }
                return node
            }
            let forwardedKey = on("use-forwarded-headers") != nil ? "use-forwarded-headers" : "enable-real-ip"
            let forwarded = on("use-forwarded-headers") ?? on("enable-real-ip")
            let proxyProtocol = on("use-proxy-protocol")
            let realIP = data["proxy-real-ip-cidr"]
            let everyone = (realIP?.text ?? "").split(separator: ",").first {
                (try? CIDR(parsing: $0.filter { $0 != " " }))?.matchesEverything == true
            }
            if let forwarded, realIP?.text == nil {
                findings.append(
                    Rule.kubernetesIngressNginxForwardedHeaders.finding(
                        at: forwarded.location,
                        "\(map.reference) sets \(forwardedKey) without proxy-real-ip-cidr (default 0.0.0.0/0): "
                            + "ingress-nginx believes the client address header from every client",
                        fix: "at the edge: \(forwardedKey): \"false\"; behind a load balancer: "
                            + "proxy-real-ip-cidr: \"<the balancer's range>\""
                    )
                )
            }
            if let realIP, let everyone {
                let used = forwarded != nil || proxyProtocol != nil
                findings.append(
                    Rule.kubernetesIngressNginxRealIPEveryone.finding(
                        at: realIP.location,
                        "\(map.reference) sets proxy-real-ip-cidr \(everyone): "
                            + (used
                                ? "ingress-nginx believes the client address it is sent from everyone"
                                : "every address would be believed once use-forwarded-headers or use-proxy-protocol "
                                    + "is on"),
                        fix: "proxy-real-ip-cidr: \"<the load balancer's range>\"",
                        severity: used ? .error : .warning
                    )
                )
            }
            if let full = on("compute-full-forwarded-for"), (gatewayHops ?? 0) == 0 {
                findings.append(
                    Rule.kubernetesIngressNginxFullForwardedFor.finding(
                        at: full.location,
                        "\(map.reference) sets compute-full-forwarded-for: the app receives the client's own "
                            + "X-Forwarded-For entries in front of the real address",
                        fix: "compute-full-forwarded-for: \"false\" at the edge"
                    )
                )
            }
        }
        return findings
    }
}
