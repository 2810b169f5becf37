import GreenroomCore

extension Generator {
    /// The manifests of the cluster topology, one object kind per file, numbered in the order
    /// `kubectl apply -f DIR` must create them (the namespace first).
    func kubernetesFiles() throws -> [GeneratedFile] {
        let kubernetes = try requireKubernetes()
        try requireClusterShape(kubernetes)
        let context = kubernetesContext(kubernetes)
        let name = spec.app.name
        var files: [GeneratedFile] = []
        if context["namespace_object"] as? Bool == true {
            files.append(
                try render(
                    .kubernetes,
                    "kubernetes-namespace",
                    context,
                    path: "00-namespace.yaml",
                    summary: "Namespace"
                )
            )
        }
        files += [
            try render(
                .kubernetes,
                "kubernetes-deployment",
                context,
                path: "10-deployment.yaml",
                summary: "Deployment"
            ),
            try render(
                .kubernetes,
                "kubernetes-service",
                context,
                path: "20-service.yaml",
                summary: "Service (ClusterIP)"
            ),
            try render(
                .kubernetes,
                "kubernetes-networkpolicy",
                context,
                path: "30-networkpolicy.yaml",
                summary: "NetworkPolicy: only the gateway's pods reach \(name)"
            ),
            try render(
                .kubernetes,
                "kubernetes-gateway",
                context,
                path: "40-gateway.yaml",
                summary: "Gateway API Gateway and HTTPRoute"
            ),
        ]
        if kubernetes.gateway.implementation == .envoyGateway {
            files.append(
                try render(
                    .kubernetes,
                    "kubernetes-envoy-gateway",
                    context,
                    path: "50-envoy-gateway.yaml",
                    summary: "Envoy Gateway ClientTrafficPolicy (client address detection)"
                )
            )
        }
        if kubernetes.disruptionBudget != nil {
            files.append(
                try render(
                    .kubernetes,
                    "kubernetes-disruption-budget",
                    context,
                    path: "60-poddisruptionbudget.yaml",
                    summary: "PodDisruptionBudget"
                )
            )
        }
        if kubernetes.autoscaler != nil {
            files.append(
                try render(
                    .kubernetes,
                    "kubernetes-autoscaler",
                    context,
                    path: "70-horizontalpodautoscaler.yaml",
                    summary: "HorizontalPodAutoscaler"
                )
            )
        }
        return files
    }

    private func requireKubernetes() throws(SpecError) -> KubernetesSpec {
        guard let kubernetes = spec.kubernetes else {
            throw SpecError(
                .missingKey,
                at: spec.locations["kubernetes"],
                keyPath: "kubernetes",
                "the spec has no kubernetes: section, so there is no cluster to generate for",
                fix: "add kubernetes: {image: ..., gateway: {addresses: [the gateway pods' range]}} "
                    + "(see the commented block at the end of `greenroom init`'s greenroom.yml)"
            )
        }
        return kubernetes
    }

    /// What the cluster topology cannot express, refused with the key to change: each pod serves
    /// TCP on its own address, one process per pod, behind a gateway that writes X-Forwarded-For.
    private func requireClusterShape(_ kubernetes: KubernetesSpec) throws(SpecError) {
        let app = spec.app
        func refuse(_ keyPath: String, _ message: String, fix: String) -> SpecError {
            SpecError(.unsupportedByProxy, at: spec.locations[keyPath], keyPath: keyPath, message, fix: fix)
        }
        if let problem = KubernetesNames.problem(withDNSLabel: app.name) {
            throw refuse(
                "app.name",
                "'\(app.name)' names the Deployment, Service and policies, and a Kubernetes name \(problem)",
                fix: "name: \(app.name.replacing("_", with: "-"))"
            )
        }
        let names: [(String, String?)] =
            [
                ("app.name", app.name), ("kubernetes.namespace", kubernetes.namespace),
                ("kubernetes.gateway.name", kubernetes.gateway.name),
                ("kubernetes.gateway.class", kubernetes.gateway.className),
                ("kubernetes.gateway.namespace", kubernetes.gateway.namespace),
            ] + kubernetes.gateway.podLabels.map { ("kubernetes.gateway.pod_labels", $0.key) }
        for case let (keyPath, name?) in names where Self.isNotAPlainYAMLString(name) {
            throw refuse(
                keyPath,
                "'\(name)' would be read as a YAML \(name.first?.isNumber == true ? "number" : "boolean or null"), "
                    + "not a name, where it stands unquoted in the manifests",
                fix: "choose a name with a letter that is not a YAML word (true, yes, null, ...)"
            )
        }
        if app.unixPath != nil {
            throw refuse(
                "app.listen.unix",
                "a pod serves the gateway over TCP on its own address, not a unix socket",
                fix: "listen: {port: 8000} (the pod's address comes from GREENROOM_HOST)"
            )
        }
        if !app.additionalListenHosts.isEmpty {
            throw refuse(
                "app.listen.hosts",
                "lists several addresses; in a cluster each pod serves on its own address (GREENROOM_HOST)",
                fix: "listen: {port: 8000}"
            )
        }
        if app.hosts != nil {
            throw refuse(
                "app.hosts",
                "lists app hosts; in a cluster the pods are the hosts and the gateway balances them",
                fix: "remove app.hosts; kubernetes.replicas says how many pods run"
            )
        }
        if app.instances > 1 {
            throw refuse(
                "app.instances",
                "runs \(app.instances) instances per host; in a cluster each pod runs one",
                fix: "remove app.instances; kubernetes.replicas says how many pods run"
            )
        }
        if let port = app.metricsPort {
            throw refuse(
                "app.metrics_port",
                "serves metrics on loopback only, and in a pod the app binds the pod's address: `serve --cluster` "
                    + "refuses a metrics port (GR093) and the pod would never start (port \(port))",
                fix: "remove app.metrics_port for the cluster"
            )
        }
        guard kubernetes.gateway.implementation == .envoyGateway else {
            if app.proxyProtocol != .off {
                throw refuse(
                    "app.proxy_protocol",
                    "needs the gateway to send the PROXY protocol, which only Envoy Gateway's policy is generated for",
                    fix: "proxy_protocol: off, or kubernetes.gateway.implementation: envoy-gateway"
                )
            }
            return
        }
        if let hops = app.hops, hops != kubernetes.gateway.hops + 1 {
            throw refuse(
                "app.hops",
                "is \(hops), but behind Envoy with kubernetes.gateway.hops \(kubernetes.gateway.hops) the client is entry "
                    + "\(kubernetes.gateway.hops + 1) from the right: any other count reads an entry the client wrote",
                fix: "remove app.hops (generate kubernetes sets \(kubernetes.gateway.hops + 1))"
            )
        }
        if app.forwardedHeaders == .forwarded {
            throw refuse(
                "app.forwarded_headers",
                "is forwarded, but Envoy Gateway writes only X-Forwarded-For: the app would believe a Forwarded "
                    + "header the client sent",
                fix: "forwarded_headers: x-forwarded (or both)"
            )
        }
        if app.proxyProtocol != .off, kubernetes.gateway.hops > 0 {
            throw refuse(
                "app.proxy_protocol",
                "with kubernetes.gateway.hops \(kubernetes.gateway.hops): Envoy's PROXY header names the "
                    + "connection's source, the proxy in front of the gateway, not the client",
                fix: "proxy_protocol: off (the app then reads X-Forwarded-For)"
            )
        }
    }

    func kubernetesContext(_ kubernetes: KubernetesSpec) -> [String: Any] {
        let app = spec.app
        let gateway = kubernetes.gateway
        let namespace = kubernetes.effectiveNamespace(app: app)
        let port = Int(app.port ?? 8000)
        var context = commonContext(.kubernetes)
        context["header"] = """
            # Generated by `greenroom generate kubernetes` from \(spec.file.split(separator: "/").last.map(String.init) ?? spec.file). \
            Edit the spec and regenerate
            # instead of editing this file: the app, its pods and its gateway are configured from the same values.
            """
        context["namespace"] = namespace
        context["namespace_object"] = !Self.sharedNamespaces.contains(namespace) && namespace != gateway.namespace
        context["image"] = kubernetes.image
        context["replicas"] = kubernetes.autoscaler == nil ? kubernetes.replicas : false
        context["port"] = port
        context["gateway_name"] = kubernetes.gatewayName(app: app)
        context["gateway_class"] = gateway.className
        context["gateway_namespace"] = gateway.namespace
        context["gateway_labels"] = gatewayPodLabels(kubernetes).map {
            ["key": $0.key, "value": Self.yamlString($0.value)]
        }
        // The kubelet sends no PROXY header, which the app then requires: probes only connect.
        context["http_probes"] = app.proxyProtocol == .off
        context["gateway_addresses"] = gateway.addresses.map(\.description).joined(separator: ", ")
        context["gateway_hops"] = gateway.hops
        context["envoy"] = gateway.implementation == .envoyGateway
        context["trust"] = app.trust.description
        context["outbound"] = app.outbound.map(\.description)
        context["no_outbound"] = app.outbound.isEmpty
        context["args"] = app.runsGreenroomServe ? "[serve]" : false
        context["command"] = app.runsGreenroomServe ? false : Self.yamlList(app.effectiveExec)
        context["environment"] = kubernetesEnvironment(kubernetes).map { ["name": $0.name, "value": $0.value] }
        let drain = 5
        context["drain_seconds"] = drain
        let shutdown = Int((SpecValues.milliseconds(app.limits.shutdownTimeout) + 999) / 1000)
        context["grace_seconds"] = drain + shutdown + 5
        context["shutdown_seconds"] = shutdown
        context["hostnames"] =
            spec.proxy.serverNames == ["localhost"] ? [] : spec.proxy.serverNames.map(Self.yamlString)
        context["no_hostnames"] = spec.proxy.serverNames == ["localhost"]
        context["tls"] = spec.proxy.tls != nil
        context["redirect_http"] = spec.proxy.tls != nil && spec.proxy.redirectHTTP
        context["removed_headers"] = Self.headersRemovedAtTheGateway.map(Self.yamlString)
        context["proxy_protocol_version"] =
            switch app.proxyProtocol {
            case .off: false
            case .v1: "V1"
            case .v2: "V2"
            }
        if let budget = kubernetes.disruptionBudget { context["min_available"] = budget.minAvailable }
        if let scaler = kubernetes.autoscaler {
            context["autoscaler"] = [
                "min": scaler.minReplicas, "max": scaler.maxReplicas, "cpu": scaler.cpuPercent,
            ]
        }
        return context
    }

    /// The `GREENROOM_*` variables that configure the app in its pod: the `serve` flags of
    /// ``AppSpec/serveArguments`` (one variable each; the trust list joined by commas), without
    /// `--host`, which the pod's `GREENROOM_HOST` (its `status.podIP`) replaces, and with
    /// `GREENROOM_CLUSTER=1`. With Envoy Gateway the app reads X-Forwarded-For only (Envoy writes
    /// no Forwarded header) and counts exactly one hop more than the proxies in front of the
    /// gateway: the entry Envoy itself took as the client.
    func kubernetesEnvironment(_ kubernetes: KubernetesSpec) -> [(name: String, value: String)] {
        let app = spec.app
        var environment: [(name: String, value: String)] = [("GREENROOM_CLUSTER", Self.yamlString("1"))]
        var trust: [String] = []
        var arguments = app.serveArguments[...]
        let envoy = kubernetes.gateway.implementation == .envoyGateway
        // Envoy appends the address that connected to it and believes `gateway.hops` entries before
        // it: the app reads exactly the one Envoy took (one past them), at the edge the one it
        // appended. Walking the trust list instead would step past a pod-network address (another
        // pod calling the gateway, a node that masqueraded a client) into what the client wrote.
        let hops = envoy ? kubernetes.gateway.hops + 1 : app.hops
        while let flag = arguments.popFirst() {
            let takesValue = arguments.first.map { !$0.hasPrefix("--") } ?? false
            var value = takesValue ? arguments.popFirst()! : "1"
            switch flag {
            case "--host", "--hops": continue
            case "--trust":
                trust.append(value)
                continue
            case "--forwarded-headers" where envoy: value = "x-forwarded"
            case "--authoritative-headers" where envoy: continue
            default: break
            }
            environment.append((ServeFlags.environmentName(flag: flag), Self.yamlString(value)))
        }
        environment.insert(("GREENROOM_TRUST", Self.yamlString(trust.joined(separator: ","))), at: 1)
        if let hops { environment.insert(("GREENROOM_HOPS", Self.yamlString("\(hops)")), at: 2) }
        return environment
    }

    /// Whether YAML 1.1 (kubectl's parser) reads `text` written bare as something other than a
    /// string: a boolean or null word, or a number (`0123` is octal, `1e3` a float).
    static func isNotAPlainYAMLString(_ text: String) -> Bool {
        let words: Set<String> = ["y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"]
        if words.contains(text.lowercased()) { return true }
        return text.allSatisfy { $0.isNumber || "+-._eExXoO".contains($0) } && text.contains(where: \.isNumber)
    }

    /// The labels that select the gateway's pods. Envoy Gateway labels every proxy of every
    /// Gateway `app.kubernetes.io/name: envoy` (the section's default), so with it the generated
    /// policy selects this Gateway's own proxies (`gateway.envoyproxy.io/owning-gateway-*`): another
    /// tenant's Gateway routed at the pod would otherwise be admitted and believed.
    func gatewayPodLabels(_ kubernetes: KubernetesSpec) -> [KubernetesSpec.Label] {
        let gateway = kubernetes.gateway
        guard gateway.implementation == .envoyGateway,
            gateway.podLabels == [KubernetesSpec.Label(key: "app.kubernetes.io/name", value: "envoy")]
        else { return gateway.podLabels }
        return [
            .init(key: "gateway.envoyproxy.io/owning-gateway-name", value: kubernetes.gatewayName(app: spec.app)),
            .init(
                key: "gateway.envoyproxy.io/owning-gateway-namespace",
                value: kubernetes.effectiveNamespace(app: spec.app)
            ),
        ]
    }

    /// Namespaces the generator does not create (or relabel): the cluster's own.
    static let sharedNamespaces: Set<String> = ["default", "kube-system", "kube-public", "kube-node-lease"]

    /// The client claims the HTTPRoute removes before a request reaches the app (a
    /// `RequestHeaderModifier` removes at most 16 names): every forwarding header of
    /// ``forwardingHeaders`` that Envoy neither writes itself (X-Forwarded-For, X-Forwarded-Proto)
    /// nor sets at the edge (X-Envoy-External-Address), most-read first.
    static let headersRemovedAtTheGateway: [String] = [
        "Forwarded", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server",
        "X-Forwarded-Ssl", "X-Forwarded-Scheme", "X-Forwarded-Protocol", "X-Original-Forwarded-For", "X-Real-IP",
        "X-Client-IP", "Client-IP", "X-Cluster-Client-IP", "True-Client-IP", "CF-Connecting-IP", "X-Url-Scheme",
    ]

    /// `text` as a double-quoted YAML scalar, so `true`, `8000` or `*.example.com` stay strings.
    static func yamlString(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                quoted += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    /// `[a, b]` with every item a quoted string.
    static func yamlList(_ items: [String]) -> String {
        "[" + items.map(yamlString).joined(separator: ", ") + "]"
    }
}
