extension DeploymentPolicy {
    /// `GR002` in the cluster topology: the pod's own private address, and a trust list that is
    /// exactly specific private ranges (the gateway pods'). No opt-in lifts it: in a pod, the
    /// opt-ins' reasons (a firewall, a container only the proxy reaches) are the NetworkPolicy,
    /// and it admits the gateway only if the app trusts only the gateway.
    static func clusterViolations(_ description: DeploymentDescription) -> [PolicyViolation] {
        let bind = description.bind
        let trust = description.trust
        let podFix =
            "bind the pod's address (GREENROOM_HOST from the downward API's status.podIP, "
            + "see `greenroom generate kubernetes`)"
        let trustFix =
            "trust exactly the gateway pods' range (kubernetes.gateway.addresses, "
            + "e.g. --trust 10.244.0.0/16)"
        func refuse(_ message: String, _ fix: String) -> [PolicyViolation] {
            [PolicyViolation(rule: .specPublicBind, message: "refusing the cluster topology: " + message, fix: fix)]
        }
        guard case .tcp = bind, let address = bind.address else {
            return refuse("--cluster serves on the pod's address, not \(bind)", podFix)
        }
        if bind.isWildcard {
            return refuse("\(bind) would listen on every interface of the pod", podFix)
        }
        if !isPrivateNetwork(address) {
            return refuse("\(address) is not a pod's private address", podFix)
        }
        if description.allowPublic {
            return refuse("--allow-public serves clients directly, not behind the gateway", "drop --allow-public")
        }
        if trust.isEmpty {
            return refuse("it trusts nobody, so every request would seem to come from the gateway", trustFix)
        }
        for entry in trust.entries {
            switch entry {
            case .loopback, .unix:
                return refuse("it trusts \(entry), which is not where the gateway connects from", trustFix)
            case .cidr(let block):
                let widest = block.network.family == .v4 ? 8 : 16
                if block.matchesEverything || block.prefixLength < widest {
                    return refuse("it trusts \(block), far wider than the gateway pods' range", trustFix)
                }
                if !isPrivateNetwork(block.network) {
                    return refuse("it trusts \(block), which is not a private range pods use", trustFix)
                }
            }
        }
        return []
    }
}
