import GreenroomCore

/// The Kubernetes rules (`GR160`–`GR189`) over a set of manifests.
///
/// Which workloads are "the app" is decided by ``KubernetesApp``; the rules about exposure,
/// isolation, privileges and trust judge those, and the rules about the gateway judge the
/// gateway's own objects (`ClientTrafficPolicy`, the ingress-nginx `ConfigMap`, `LoadBalancer`
/// Services). Objects of other kinds are ignored.
package struct KubernetesChecker: Sendable {
    /// The gateway pods' address ranges (the spec's `kubernetes.gateway.addresses`), or `nil`:
    /// then they are taken from the `ipBlock`s of the NetworkPolicies that admit traffic to the app.
    package var gatewayRanges: [CIDR]?
    /// The proxies in front of the gateway (the spec's `kubernetes.gateway.hops`), or `nil` when
    /// unknown: then any trusted hop count on the gateway is a warning rather than an error.
    package var gatewayHops: Int?

    /// Creates a checker.
    package init(gatewayRanges: [CIDR]? = nil, gatewayHops: Int? = nil) {
        self.gatewayRanges = gatewayRanges
        self.gatewayHops = gatewayHops
    }

    /// Every finding for `manifests`.
    package func check(_ manifests: KubernetesManifests) -> [Finding] {
        let index = KubernetesIndex(manifests)
        let workloads = KubernetesWorkload.all(in: manifests)
        let apps = KubernetesApp.find(in: index, workloads: workloads)
        var findings: [Finding] = []
        if apps.isEmpty, let first = workloads.first {
            findings.append(
                Rule.kubernetesNoApp.finding(
                    at: first.object.location,
                    "no container runs `greenroom serve` or sets GREENROOM_*, and no HTTPRoute sends to a Service "
                        + "selecting these workloads: the app rules judged nothing",
                    fix: "run the app as `greenroom serve` (or set GREENROOM_HOST and GREENROOM_TRUST), or route to it "
                        + "with an HTTPRoute"
                )
            )
        }
        var appServices: [KubernetesObject] = []
        for app in apps {
            let services = index.services(selecting: app.workload)
            appServices += services
            findings += exposure(of: app, services: services)
            let isolation = isolation(of: app, in: index)
            findings += isolation.findings
            findings += privileges(of: app)
            findings += trust(of: app, in: index, gateway: gatewayRanges ?? isolation.ranges)
        }
        findings += loadBalancers(in: index, apart: appServices)
        findings += envoyGateway(in: index)
        findings += ingressNginx(in: index)
        return findings.map { finding in
            var shown = finding
            shown.message = ManifestText.shown(finding.message)
            shown.fix = ManifestText.shown(finding.fix)
            return shown
        }
    }
}
