import Foundation
import GreenroomDeploy
import Testing

/// The cluster topology played on one machine with network namespaces, the pod network a bridge:
///
/// ```
/// client 198.51.100.2 ── gateway 198.51.100.1 | 10.244.0.10 ──┐
///                                                     bridge ├── app pod   10.244.0.20:8000
///                                          rogue pod 10.244.0.30 ┘
/// ```
///
/// The app runs `greenroom serve` with exactly the variables `greenroom generate kubernetes`
/// puts in its Deployment (`GREENROOM_HOST` = the pod address, as the downward API gives it),
/// trusting the pod network 10.244.0.0/24 as a gateway range usually is. nginx in the gateway
/// namespace stands for the gateway (X-Forwarded-For `$remote_addr`, as Envoy at the edge), and
/// nftables rules in the app's namespace for the generated NetworkPolicy (the app's port only
/// from the gateway). What it shows: through the gateway the app sees the real client whatever it
/// forges; with the policy neither the outside client nor another pod reaches the app; without
/// it, another pod inside the trusted range reaches it directly and chooses its client address,
/// which is why the NetworkPolicy, not the bind, is the enforcement in a cluster.
///
/// Needs root, iproute2, nftables, nginx and curl: skipped with a reason otherwise, failed under
/// `CI=true`. Every namespace is removed at the end, also on failure.
@Suite(.serialized) struct ClusterNetworkTests {
    static let appAddress = "10.244.0.20"
    static let gatewayPodAddress = "10.244.0.10"
    static let roguePodAddress = "10.244.0.30"
    static let gatewayPublicAddress = "198.51.100.1"
    static let clientAddress = "198.51.100.2"
    static let port = 8000

    static let spec = """
        app: {name: shop, listen: {port: \(port)}}
        kubernetes:
          image: registry.example.com/shop:1.0.0
          gateway: {addresses: [10.244.0.0/24]}
        """

    /// The namespaces and links: a bridge in `node` joins the gateway's, the app's and the rogue
    /// pod's veth ends; the client is linked to the gateway alone.
    final class Cluster: @unchecked Sendable {
        let node: NetworkNamespace
        let gateway: NetworkNamespace
        let app: NetworkNamespace
        let rogue: NetworkNamespace
        let client: NetworkNamespace

        init() async throws {
            var made: [NetworkNamespace] = []
            func namespace(_ role: String) async throws -> NetworkNamespace {
                do {
                    let created = try await NetworkNamespace.create(role: role)
                    made.append(created)
                    return created
                } catch {
                    for namespace in made { namespace.remove() }
                    throw error
                }
            }
            node = try await namespace("n")
            gateway = try await namespace("g")
            app = try await namespace("p")
            rogue = try await namespace("r")
            client = try await namespace("c")
            do {
                try await wire()
            } catch {
                remove()
                throw error
            }
        }

        private func wire() async throws {
            let ip = node
            try await ip.ipCommand(["-n", node.name, "link", "add", "br0", "type", "bridge"])
            try await ip.ipCommand(["-n", node.name, "link", "set", "br0", "up"])
            for (pod, address) in [
                (gateway, ClusterNetworkTests.gatewayPodAddress), (app, ClusterNetworkTests.appAddress),
                (rogue, ClusterNetworkTests.roguePodAddress),
            ] {
                try await ip.ipCommand([
                    "link", "add", "eth0", "netns", pod.name, "type", "veth", "peer", "name", "v-\(pod.name.suffix(4))",
                    "netns", node.name,
                ])
                try await ip.ipCommand(["-n", node.name, "link", "set", "v-\(pod.name.suffix(4))", "master", "br0"])
                try await ip.ipCommand(["-n", node.name, "link", "set", "v-\(pod.name.suffix(4))", "up"])
                try await ip.ipCommand(["-n", pod.name, "addr", "add", "\(address)/24", "dev", "eth0"])
                try await ip.ipCommand(["-n", pod.name, "link", "set", "eth0", "up"])
            }
            // Pods answer the outside through the gateway, as through a node's route.
            for pod in [app, rogue] {
                try await ip.ipCommand([
                    "-n", pod.name, "route", "add", "default", "via", ClusterNetworkTests.gatewayPodAddress,
                ])
            }
            try await ip.ipCommand([
                "link", "add", "ext0", "netns", gateway.name, "type", "veth", "peer", "name", "eth0", "netns",
                client.name,
            ])
            try await ip.ipCommand([
                "-n", gateway.name, "addr", "add", "\(ClusterNetworkTests.gatewayPublicAddress)/24", "dev", "ext0",
            ])
            try await ip.ipCommand([
                "-n", client.name, "addr", "add", "\(ClusterNetworkTests.clientAddress)/24", "dev", "eth0",
            ])
            try await ip.ipCommand(["-n", gateway.name, "link", "set", "ext0", "up"])
            try await ip.ipCommand(["-n", client.name, "link", "set", "eth0", "up"])
            try await ip.ipCommand([
                "-n", client.name, "route", "add", "10.244.0.0/24", "via", ClusterNetworkTests.gatewayPublicAddress,
            ])
            // The gateway's namespace routes between the outside and the pod network, so only
            // the policy stands between an outside client and a pod.
            let sysctl = try TestEnvironment.requireProgram("sysctl", package: "procps")
            let forwarding = try await gateway.run(sysctl, ["-w", "net.ipv4.ip_forward=1"])
            guard forwarding.succeeded else { throw HarnessError("ip_forward: \(forwarding)") }
        }

        func remove() {
            for namespace in [client, rogue, app, gateway, node] { namespace.remove() }
        }

        deinit { remove() }
    }

    /// The NetworkPolicy stand-in: the app's port accepts the gateway pod only.
    static func applyNetworkPolicy(_ cluster: Cluster) async throws {
        let nft = try TestEnvironment.requireProgram("nft", package: "nftables")
        let rules = """
            table inet networkpolicy {
                chain input {
                    type filter hook input priority 0; policy accept;
                    tcp dport \(port) ip saddr \(gatewayPodAddress) accept
                    tcp dport \(port) drop
                }
            }
            """
        let scratch = try TemporaryDirectory("greenroom-nft")
        let file = try scratch.write("policy.nft", rules + "\n")
        let result = try await cluster.app.run(nft, ["-f", file])
        guard result.succeeded else { throw HarnessError("nft: \(result)") }
    }

    static func removeNetworkPolicy(_ cluster: Cluster) async throws {
        let nft = try TestEnvironment.requireProgram("nft", package: "nftables")
        let result = try await cluster.app.run(nft, ["delete", "table", "inet", "networkpolicy"])
        guard result.succeeded else { throw HarnessError("nft: \(result)") }
    }

    /// The app container's variables from the generated Deployment, `status.podIP` filled in.
    static func podEnvironment(podIP: String, spec yaml: String = spec) throws -> [String: String] {
        let scratch = try TemporaryDirectory("greenroom-cluster-spec")
        let path = try scratch.write("greenroom.yml", yaml)
        let deployment = try #require(
            try Generator(spec: DeploymentSpec.load(path: path)).files(for: .kubernetes)
                .first { $0.path == "10-deployment.yaml" }
        )
        let lines = deployment.contents.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        var environment: [String: String] = [:]
        for (index, line) in lines.enumerated() where line.hasPrefix("- name: GREENROOM_") {
            let name = String(line.dropFirst("- name: ".count))
            let next = lines[index + 1]
            if next == "valueFrom:" {
                #expect(lines[index + 3] == "fieldPath: status.podIP", "\(name)")
                environment[name] = podIP
            } else {
                let quoted = try #require(
                    next.hasPrefix("value: \"") ? next.dropFirst("value: ".count) : nil,
                    "\(next)"
                )
                environment[name] = String(quoted.dropFirst().dropLast())
            }
        }
        #expect(environment["GREENROOM_HOST"] == podIP && environment["GREENROOM_CLUSTER"] == "1", "\(environment)")
        return environment
    }

    /// `curl` from `namespace` with a short deadline; exit 28 (timeout) or 7 (refused) when blocked.
    static func curl(
        from namespace: NetworkNamespace,
        _ url: String,
        headers: [String] = []
    ) async throws -> ProcessResult {
        let curl = try TestEnvironment.requireProgram("curl")
        return try await namespace.run(
            curl,
            ["-sS", "--noproxy", "*", "--max-time", "2"] + headers.flatMap { ["-H", $0] } + [url],
            timeout: .seconds(10)
        )
    }

    static let forged = ["X-Forwarded-For: 203.0.113.66", "Forwarded: for=203.0.113.77", "X-Real-IP: 203.0.113.88"]

    @Test func throughTheGatewayTheAppSeesTheClientAndThePolicyIsWhatKeepsPodsOut() async throws {
        _ = try NetworkNamespace.requirements()
        _ = try TestEnvironment.requireProgram("nft", package: "nftables")
        _ = try NginxServer.executable()
        let cluster = try await Cluster()
        defer { cluster.remove() }
        try await withTeardown { teardown in
            let logs = try TemporaryDirectory("greenroom-cluster-log")
            let app = try await ServeProcess.start(
                [],
                readiness: .startupLine,
                logDirectory: logs,
                launcher: cluster.app.launcher,
                environment: try Self.podEnvironment(podIP: Self.appAddress)
            )
            teardown.add {
                app.stop()
                logs.remove()
            }
            #expect(app.url == "http://\(Self.appAddress):\(Self.port)", "\(app.output)")

            let scratch = try TemporaryDirectory("greenroom-cluster-gateway")
            let site = try scratch.write(
                "gateway.conf",
                """
                server {
                    listen \(Self.gatewayPublicAddress):80;
                    location / {
                        proxy_pass http://\(Self.appAddress):\(Self.port);
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $remote_addr;
                        proxy_set_header Forwarded "";
                        proxy_set_header X-Real-IP "";
                    }
                }

                """
            )
            let gateway = try await NginxServer.start(
                in: scratch,
                httpIncludes: [site],
                ports: [],
                launcher: cluster.gateway.launcher
            )
            teardown.add { gateway.stop() }
            try await Self.applyNetworkPolicy(cluster)

            // Through the gateway: the real client, whatever it forges.
            let gatewayURL = "http://\(Self.gatewayPublicAddress)/whoami"
            let deadline = ContinuousClock.now + .seconds(15)
            while try await !Self.curl(from: cluster.client, gatewayURL).succeeded {
                guard ContinuousClock.now < deadline else { throw HarnessError("the gateway never answered") }
                try await Task.sleep(for: .milliseconds(100))
            }
            for headers in [[]] + Self.forged.map({ [$0] }) {
                let through = try await Self.curl(from: cluster.client, gatewayURL, headers: headers)
                #expect(through.succeeded, "\(headers): \(through)")
                #expect(through.stdout.contains("\"client\":\"\(Self.clientAddress)\""), "\(headers): \(through)")
                #expect(through.stdout.contains("\"via\":\"x-forwarded-for\""), "\(headers): \(through)")
            }

            // With the policy, neither the outside client nor another pod reaches the app itself.
            let appURL = "http://\(Self.appAddress):\(Self.port)/whoami"
            let outside = try await Self.curl(from: cluster.client, appURL)
            #expect([7, 28].contains(outside.status), "the client must not reach the pod: \(outside)")
            let pod = try await Self.curl(from: cluster.rogue, appURL, headers: [Self.forged[0]])
            #expect([7, 28].contains(pod.status), "another pod must not reach the app: \(pod)")

            // Without it: the outside client reaches the pod (and is seen as itself, untrusted),
            // and a pod inside the trusted range chooses its client address.
            try await Self.removeNetworkPolicy(cluster)
            let direct = try await Self.curl(from: cluster.client, appURL, headers: [Self.forged[0]])
            #expect(direct.succeeded, "\(direct)")
            #expect(direct.stdout.contains("\"client\":\"\(Self.clientAddress)\""), "\(direct)")
            let spoofed = try await Self.curl(from: cluster.rogue, appURL, headers: [Self.forged[0]])
            #expect(spoofed.succeeded, "\(spoofed)")
            #expect(spoofed.stdout.contains("\"client\":\"203.0.113.66\""), "the trusted range believes it: \(spoofed)")
        }
    }

    /// In a pod, `serve --cluster` refuses to start without the gateway's range (it would trust
    /// nobody, so the gateway would seem to be every client) and on a loopback address.
    @Test func theClusterTopologyIsRefusedWithoutTheGatewayRange() async throws {
        _ = try NetworkNamespace.requirements()
        let cluster = try await Cluster()
        defer { cluster.remove() }
        let environment = try Self.podEnvironment(podIP: Self.appAddress)
        for (name, value, expected) in [
            ("GREENROOM_TRUST", "", "refusing the cluster topology"),
            ("GREENROOM_HOST", "127.0.0.1", "127.0.0.1 is not a pod's private address"),
        ] {
            var variables = environment
            variables[name] = value
            let (executable, prefix) = try GreenroomBinary.unprivilegedCommand()
            let result = try await ProcessRunner.run(
                cluster.app.launcher[0],
                Array(cluster.app.launcher.dropFirst()) + [executable] + prefix + ["serve"],
                environment: ProcessInfo.processInfo.environment.merging(variables) { $1 },
                timeout: .seconds(30)
            )
            #expect(result.status == 2, "\(name)=\(value): \(result)")
            #expect(result.output.contains(expected) && result.output.contains("[GR002]"), "\(result)")
        }
    }
}
