import GreenroomCore

extension KubernetesChecker {
    /// GR164 hostNetwork, GR165 hostPort, GR166 root, GR167 runAsNonRoot not set. A container's
    /// securityContext field overrides the pod's.
    func privileges(of app: KubernetesApp) -> [Finding] {
        var findings: [Finding] = []
        let workload = app.workload.object
        let pod = app.workload.podSpec
        if let host = pod["hostNetwork"], host.bool == true {
            findings.append(
                Rule.kubernetesHostNetwork.finding(
                    at: host.location,
                    "\(workload.reference) runs in the node's network: the app listens on the node's addresses and "
                        + "NetworkPolicy does not apply",
                    fix: "remove hostNetwork (false is the default); expose the app through the gateway"
                )
            )
        }
        for container in app.containers {
            let name = container["name"]?.text ?? "(unnamed)"
            for port in container["ports"]?.items ?? [] {
                guard let hostPort = port["hostPort"], let number = hostPort.int, number > 0 else { continue }
                findings.append(
                    Rule.kubernetesHostPort.finding(
                        at: hostPort.location,
                        "container \(name) of \(workload.reference) publishes hostPort \(number): the node forwards "
                            + "it to the app around the gateway",
                        fix: "remove hostPort; keep containerPort and reach the app through its ClusterIP Service"
                    )
                )
            }
            let user = container.at("securityContext", "runAsUser") ?? pod.at("securityContext", "runAsUser")
            let nonRoot = container.at("securityContext", "runAsNonRoot") ?? pod.at("securityContext", "runAsNonRoot")
            if let user, user.int == 0 {
                findings.append(
                    Rule.kubernetesRunAsRoot.finding(
                        at: user.location,
                        "container \(name) of \(workload.reference) runs as root (runAsUser: 0)",
                        fix: "runAsUser: 10001 (any non-zero id) and runAsNonRoot: true"
                    )
                )
            } else if nonRoot?.bool != true && !(user?.int.map { $0 > 0 } ?? false) {
                findings.append(
                    Rule.kubernetesRunAsNonRootMissing.finding(
                        at: nonRoot?.location ?? container.location,
                        "container \(name) of \(workload.reference) "
                            + (nonRoot == nil ? "does not set runAsNonRoot" : "sets runAsNonRoot: false")
                            + " and no runAsUser: it runs as the image's user, root if the image names none",
                        fix: "securityContext: {runAsNonRoot: true, runAsUser: 10001}"
                    )
                )
            }
        }
        return findings
    }
}
