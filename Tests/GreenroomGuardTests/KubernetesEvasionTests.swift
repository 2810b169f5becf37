import Foundation
import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// Ways a manifest could hide a mistake from the Kubernetes rules: the value written somewhere
/// else (a ConfigMap, a `$(VAR)`, a YAML merge key), spelled differently (`0x0`, two halves of
/// the address space), or the gateway trusting clients through another setting.
@Suite struct KubernetesEvasionTests {
    /// The corpus' good Deployment + Service + NetworkPolicy with `replacing` replaced.
    static func good(_ replacing: [(String, String)] = [], adding extra: String = "") throws -> String {
        var text = try String(
            contentsOfFile: "\(Corpus.directory)/kubernetes/good-all-in-one.yaml",
            encoding: .utf8
        )
        for (old, new) in replacing {
            #expect(text.contains(old), "corpus text changed: \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text + extra
    }

    static func findings(_ text: String, _ checker: KubernetesChecker = KubernetesChecker()) throws -> [String] {
        let objects = try KubernetesManifests.parse(text, file: "m.yaml")
        return Report(findings: checker.check(KubernetesManifests(objects: objects))).findings.map {
            "\($0.rule):\($0.location?.line ?? 0)"
        }
    }

    /// `text` gives exactly `expected` (`rule:line`).
    static func expect(
        _ text: String,
        _ checker: KubernetesChecker = KubernetesChecker(),
        _ expected: [String],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let found = try findings(text, checker)
        #expect(found == expected, sourceLocation: sourceLocation)
    }

    static func expect(
        _ text: String,
        _ expected: [String],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        try expect(text, KubernetesChecker(), expected, sourceLocation: sourceLocation)
    }

    static let trustLine = "args: [serve, --port, \"8000\", --trust, 10.244.0.0/16]"

    @Test func trustFromAConfigMapKeyIsRead() throws {
        let text = try Self.good(
            [
                (Self.trustLine, "args: [serve, --port, \"8000\"]"),
                (
                    "        - name: GREENROOM_HOST\n",
                    "        - name: GREENROOM_TRUST\n          valueFrom: {configMapKeyRef: {name: web-config, key: trust}}\n"
                        + "        - name: GREENROOM_HOST\n"
                ),
            ],
            adding: "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config, namespace: shop}\n"
                + "data:\n  trust: 0.0.0.0/0\n"
        )
        try Self.expect(text, ["GR168:65"])
    }

    @Test func trustFromEnvFromAConfigMapIsRead() throws {
        let text = try Self.good(
            [
                (Self.trustLine, "args: [serve, --port, \"8000\"]"),
                ("        env:\n", "        envFrom:\n        - configMapRef: {name: web-env}\n        env:\n"),
            ],
            adding: "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-env}\n"
                + "data:\n  GREENROOM_TRUST: \"10.244.0.0/16,::/0\"\n"
        )
        try Self.expect(text, ["GR168:65"])
    }

    /// A spec mounted from a ConfigMap (`--config` or GREENROOM_CONFIG) is where the trust list
    /// is when no flag or variable gives one; flags and variables win over it, as in `serve`.
    @Test func trustFromASpecInAConfigMap() throws {
        let configMap = """
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: greenroom-spec, namespace: shop}
            data:
              greenroom.yml: |
                app:
                  trust: [10.244.0.0/16, 0.0.0.0/0]

            """
        let mounted = [
            (
                "        ports:\n",
                "        volumeMounts:\n        - {name: spec, mountPath: /etc/greenroom}\n        ports:\n"
            ),
            (
                "      containers:\n",
                "      volumes:\n      - {name: spec, configMap: {name: greenroom-spec}}\n      containers:\n"
            ),
        ]
        let byFlag = try Self.good(
            mounted + [(Self.trustLine, "args: [serve, --config, /etc/greenroom/greenroom.yml]")],
            adding: configMap
        )
        try Self.expect(byFlag, ["GR168:67"])
        let byVariable = try Self.good(
            mounted + [
                (Self.trustLine, "args: [serve]"),
                (
                    "        - name: GREENROOM_HOST\n",
                    "        - {name: GREENROOM_CONFIG, value: /etc/greenroom/greenroom.yml}\n        - name: GREENROOM_HOST\n"
                ),
            ],
            adding: configMap
        )
        try Self.expect(byVariable, ["GR168:68"])
        // --trust given as well: the spec's list is not used.
        let overridden = try Self.good(
            mounted + [
                (Self.trustLine, "args: [serve, --config, /etc/greenroom/greenroom.yml, --trust, 10.244.0.0/16]")
            ],
            adding: configMap
        )
        try Self.expect(overridden, [])
    }

    /// With no range to compare with (the policy admits the gateway by labels), trusting a whole
    /// private network is still wider than any gateway ("pod IPs change").
    @Test(arguments: ["10.0.0.0/8", "172.16.0.0/12", "0.0.0.0/4"])
    func trustOfAWholePrivateNetworkWithoutARange(_ block: String) throws {
        let text = try Self.good([(Self.trustLine, "args: [serve, --trust, \"\(block)\"]")])
        try Self.expect(text, ["GR169:22"])
        try Self.expect(try Self.good(), [])
    }

    /// `serve` splits GREENROOM_TRUST at commas, spaces and tabs.
    @Test(arguments: ["10.244.0.0/16 0.0.0.0/0", "10.244.0.0/16\t::/0", "loopback,  *"])
    func trustSeparatedBySpacesIsRead(_ list: String) throws {
        let text = try Self.good([
            (
                "        - name: GREENROOM_HOST\n",
                "        - {name: GREENROOM_TRUST, value: \"\(list)\"}\n        - name: GREENROOM_HOST\n"
            )
        ])
        try Self.expect(text, ["GR168:24"])
    }

    /// Kubernetes expands `$(NAME)` in command and args from the container's env.
    @Test func trustFromAVariableReferenceIsExpanded() throws {
        let text = try Self.good([
            (Self.trustLine, "args: [serve, \"--trust=$(GATEWAY_RANGE)\"]"),
            (
                "        - name: GREENROOM_HOST\n",
                "        - {name: GATEWAY_RANGE, value: 0.0.0.0/0}\n        - name: GREENROOM_HOST\n"
            ),
        ])
        try Self.expect(text, ["GR168:22"])
    }

    @Test func twoHalvesOfTheAddressSpaceAreEveryone() throws {
        let text = try Self.good([(Self.trustLine, "args: [serve, --trust, \"0.0.0.0/1,128.0.0.0/1\"]")])
        try Self.expect(text, ["GR168:22"])
        let policy = try Self.good(
            [],
            adding: "  - from:\n    - ipBlock: {cidr: 0.0.0.0/1}\n    - ipBlock: {cidr: 128.0.0.0/1}\n"
        )
        try Self.expect(policy, ["GR162:59"])
    }

    /// An ipBlock of a whole private network (or wider) admits every pod and node in it, which in
    /// most clusters is all of them; the app's matching trust then looks "inside the gateway range".
    /// (The app's 10.244.0.0/16 is outside the blocks but the first: GR169 as well.)
    @Test(arguments: [
        ("10.0.0.0/8", ["GR163:59"]), ("172.16.0.0/12", ["GR169:22", "GR163:59"]),
        ("192.168.0.0/16", ["GR169:22", "GR163:59"]), ("8.0.0.0/7", ["GR169:22", "GR163:59"]),
        ("fc00::/7", ["GR169:22", "GR163:59"]),
    ])
    func anIpBlockOfAWholePrivateNetworkIsWide(_ block: String, _ expected: [String]) throws {
        let text = try Self.good([], adding: "  - from:\n    - ipBlock: {cidr: \"\(block)\"}\n")
        try Self.expect(text, expected)
    }

    /// YAML merge keys (`<<: *anchor`) are expanded as kubectl's YAML reader does; keys written
    /// next to them win.
    @Test func mergeKeysAreExpanded() throws {
        let text = try Self.good([
            (
                "      securityContext:\n        runAsNonRoot",
                "      <<: {hostNetwork: true}\n      securityContext:\n        runAsNonRoot"
            )
        ])
        try Self.expect(text, ["GR164:15"])
        let overridden = try Self.good([
            (
                "      securityContext:\n        runAsNonRoot",
                "      <<: [{hostNetwork: true}]\n      hostNetwork: false\n      securityContext:\n        runAsNonRoot"
            )
        ])
        try Self.expect(overridden, [])
    }

    /// YAML 1.1 integers as kubectl reads them: `0x0`, `0o0`, `0b0`, `0_0` are all root.
    @Test(arguments: ["0x0", "0b0", "0o0", "0_0", "+0", "00"])
    func rootSpelledDifferentlyIsRoot(_ zero: String) throws {
        let text = try Self.good([("runAsUser: 10001", "runAsUser: \(zero)")])
        try Self.expect(text, ["GR166:17"])
    }

    /// Envoy's custom-header detection at the edge believes a header the client sends.
    @Test func envoyCustomHeaderAtTheEdge() throws {
        let text = """
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: ClientTrafficPolicy
            metadata: {name: client-address}
            spec:
              clientIPDetection:
                customHeader: {name: X-Real-IP, failClosed: false}

            """
        try Self.expect(text, ["GR170:6"])
        try Self.expect(text, KubernetesChecker(gatewayRanges: nil, gatewayHops: 1), [])
    }

    /// ingress-nginx's enable-real-ip believes forwarded-for-header from proxy-real-ip-cidr, by
    /// default everyone, like use-forwarded-headers.
    @Test func ingressNginxEnableRealIP() throws {
        let text = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: ingress-nginx-controller}
            data:
              enable-real-ip: "true"
              forwarded-for-header: X-Client-IP

            """
        try Self.expect(text, ["GR171:5"])
    }

    /// An app found through an Ingress backend (not only an HTTPRoute) is judged.
    @Test func anAppBehindAnIngressIsJudged() throws {
        let text = try Self.good(
            [
                (Self.trustLine, "args: [--listen, \"0.0.0.0:8000\"]"),
                (
                    "        env:\n        - name: GREENROOM_HOST\n          valueFrom: {fieldRef: {fieldPath: status.podIP}}\n",
                    ""
                ),
                ("  type: ClusterIP", "  type: NodePort"),
            ],
            adding: "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\n"
                + "spec:\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n"
        )
        try Self.expect(text, ["GR160:35"])
    }
}

/// Text from a manifest in a finding or an error is shown, not obeyed: a name with a terminal
/// escape or a newline must not repaint the terminal or forge a line of the report.
@Suite struct KubernetesHostileTextTests {
    static let escape = "\u{1B}[2J\u{1B}[31m"

    @Test func findingsShowControlCharactersEscaped() throws {
        let text = try KubernetesEvasionTests.good([
            (
                "  name: web\n  namespace: shop\nspec:\n  replicas",
                "  name: \"web\\e[2J\\e[31m\\n  1:1 error GR000 fake\\u202E\"\n  namespace: shop\nspec:\n  replicas"
            ),
            ("type: ClusterIP", "type: NodePort"),
        ])
        let objects = try KubernetesManifests.parse(text, file: "m.yaml")
        #expect(objects.first?.name?.contains("\u{1B}") == true)
        let findings = KubernetesChecker().check(KubernetesManifests(objects: objects))
        #expect(!findings.isEmpty)
        for finding in findings {
            for text in [finding.message, finding.fix] {
                #expect(
                    !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0.value == 0x202E },
                    "\(text)"
                )
            }
        }
        #expect(findings.contains { $0.message.contains("web\\u{1B}[2J") })
    }

    @Test(arguments: [
        "\"a\\e[31mb\\nc\"\n",  // a document that is a scalar
        "kind: List\nitems:\n- \"x\\ey\"\n",
        "kind: Service\n\"a\\nb\": 1\n\"a\\nb\": 2\n",  // a key written twice
    ])
    func errorsShowControlCharactersEscaped(_ text: String) {
        let error = #expect(throws: ConfigParseError.self) { try KubernetesManifests.parse(text, file: "e.yaml") }
        let message = error?.message ?? ""
        #expect(!message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(message)")
    }
}
