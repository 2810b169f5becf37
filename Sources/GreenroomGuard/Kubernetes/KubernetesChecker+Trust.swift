import GreenroomConfigParsing
import GreenroomCore

extension KubernetesChecker {
    /// The app's trust entries: `--trust X` / `--trust=X` in a container's command or args (after
    /// Kubernetes' `$(VAR)` expansion), and `GREENROOM_TRUST` (commas or spaces) in its env, each
    /// with where it was written. Env values may come from a ConfigMap in the manifests
    /// (`valueFrom.configMapKeyRef`, `envFrom.configMapRef`); the location is then the
    /// ConfigMap's.
    static func trustEntries(
        of app: KubernetesApp,
        in index: KubernetesIndex
    ) -> [(text: String, location: SourceLocation)] {
        var entries: [(String, SourceLocation)] = []
        for container in app.containers {
            let environment = Self.environment(of: container, workload: app.workload.object, in: index)
            let words = KubernetesWorkload.words(of: container).map { word, location in
                (Self.expand(word, environment), location)
            }
            var found: [(String, SourceLocation)] = []
            for (position, (word, location)) in words.enumerated() {
                var value: (String, SourceLocation)?
                if word == "--trust", position + 1 < words.count {
                    value = words[position + 1]
                } else if word.hasPrefix("--trust=") {
                    value = (String(word.dropFirst("--trust=".count)), location)
                }
                if let (text, at) = value { found += Self.list(text).map { ($0, at) } }
            }
            if let (text, location) = environment["GREENROOM_TRUST"] {
                found += Self.list(text).map { ($0, location) }
            }
            if found.isEmpty {
                // `serve`'s precedence: flags, then the environment, then the spec (--config).
                let flag = words.indices.dropLast().first { words[$0].0 == "--config" }.map { words[$0 + 1].0 }
                let path =
                    flag ?? words.first { $0.0.hasPrefix("--config=") }.map {
                        String($0.0.dropFirst("--config=".count))
                    }
                    ?? environment["GREENROOM_CONFIG"]?.0
                if let path { found = specTrust(at: path, container: container, app: app, in: index) }
            }
            entries += found
        }
        return entries
    }

    /// The `app.trust` entries of a spec that a ConfigMap in the manifests mounts at `path`, each
    /// located at the ConfigMap's value. A spec that does not parse gives none (`serve` would
    /// refuse to start on it).
    static func specTrust(
        at path: String,
        container: ManifestNode,
        app: KubernetesApp,
        in index: KubernetesIndex
    ) -> [(String, SourceLocation)] {
        for mount in container["volumeMounts"]?.items ?? [] {
            guard let mountPath = mount["mountPath"]?.text, let volumeName = mount["name"]?.text else { continue }
            let file: String
            if let subPath = mount["subPath"]?.text {
                guard path == mountPath else { continue }
                file = subPath
            } else {
                let directory = mountPath.hasSuffix("/") ? mountPath : mountPath + "/"
                guard path.hasPrefix(directory) else { continue }
                file = String(path.dropFirst(directory.count))
            }
            guard
                let volume = app.workload.podSpec["volumes"]?.items.first(where: { $0["name"]?.text == volumeName }),
                let source = volume["configMap"],
                let configMap = index.configMap(source["name"]?.text, for: app.workload.object)
            else { continue }
            var key = file
            if let projected = source["items"], !projected.items.isEmpty {
                guard let item = projected.items.first(where: { $0["path"]?.text == file }),
                    let projectedKey = item["key"]?.text
                else { continue }
                key = projectedKey
            }
            guard let value = configMap.root["data"]?[key], let text = value.text,
                let spec = try? KubernetesManifests.documents(text, file: configMap.location.file).first,
                let trust = spec.at("app", "trust")
            else { continue }
            let items = trust.isSequence ? trust.items : [trust]
            return items.compactMap(\.text).flatMap(Self.list).map { ($0, value.location) }
        }
        return []
    }

    /// A trust list's entries: `serve` splits GREENROOM_TRUST at commas, spaces and tabs.
    static func list(_ text: String) -> [String] {
        text.split { $0 == "," || $0 == " " || $0 == "\t" || $0 == "\n" }.map(String.init)
    }

    /// A container's environment as far as the manifests say: literal `value`s, ConfigMap keys
    /// (`valueFrom.configMapKeyRef`) and whole ConfigMaps (`envFrom.configMapRef`, with its
    /// `prefix`); `env` overrides `envFrom`, as in Kubernetes.
    static func environment(
        of container: ManifestNode,
        workload: KubernetesObject,
        in index: KubernetesIndex
    ) -> [String: (String, SourceLocation)] {
        func configMap(_ name: String?) -> ManifestNode? { index.configMap(name, for: workload)?.root["data"] }
        var environment: [String: (String, SourceLocation)] = [:]
        for source in container["envFrom"]?.items ?? [] {
            let prefix = source["prefix"]?.text ?? ""
            for entry in configMap(source.at("configMapRef", "name")?.text)?.entries ?? [] {
                if let text = entry.value.text { environment[prefix + entry.key] = (text, entry.value.location) }
            }
        }
        for variable in container["env"]?.items ?? [] {
            guard let name = variable["name"]?.text else { continue }
            if let value = variable["value"], let text = value.text {
                environment[name] = (text, value.location)
            } else if let reference = variable.at("valueFrom", "configMapKeyRef"), let key = reference["key"]?.text,
                let value = configMap(reference["name"]?.text)?[key], let text = value.text
            {
                environment[name] = (text, value.location)
            }
        }
        return environment
    }

    /// `word` with `$(NAME)` replaced by the variable's value where it is known (`$$(` stays).
    static func expand(_ word: String, _ environment: [String: (String, SourceLocation)]) -> String {
        guard word.contains("$(") else { return word }
        var out = ""
        var rest = Substring(word)
        while let start = rest.firstRange(of: "$(") {
            out += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            if out.hasSuffix("$") {  // `$$(NAME)` is a literal `$(NAME)`
                out += "("
                rest = after
                continue
            }
            guard let close = after.firstIndex(of: ")") else {
                out += rest[start.lowerBound...]
                return out
            }
            let name = String(after[..<close])
            out += environment[name]?.0 ?? "$(\(name))"
            rest = after[after.index(after: close)...]
        }
        return out + rest
    }

    /// GR168 (the trust list holds everyone) and GR169 (an entry outside the gateway's ranges,
    /// when they are known).
    func trust(of app: KubernetesApp, in index: KubernetesIndex, gateway ranges: [CIDR]) -> [Finding] {
        var findings: [Finding] = []
        let workload = app.workload.object.reference
        var blocks: [(block: CIDR, text: String, location: SourceLocation)] = []
        let entries = Self.trustEntries(of: app, in: index)
        let covered = AddressCoverage.familiesCovered(
            by: entries.compactMap { text, _ in
                guard case .cidr(let block)? = try? TrustedProxies.Entry(parsing: text, allowingEverything: true)
                else { return nil }
                return block
            }
        )
        for (text, location) in entries {
            guard let entry = try? TrustedProxies.Entry(parsing: text, allowingEverything: true),
                case .cidr(let block) = entry
            else { continue }
            blocks.append((block, text, location))
            if block.matchesEverything {
                findings.append(
                    Rule.kubernetesTrustEveryone.finding(
                        at: location,
                        "\(workload) trusts \(text): any client that reaches the app chooses its own address with "
                            + "X-Forwarded-For",
                        fix: ranges.isEmpty
                            ? "trust the gateway pods' range only (the spec's kubernetes.gateway.addresses)"
                            : "trust the gateway pods' range only: \(ranges.map(\.description).joined(separator: ","))"
                    )
                )
            } else if !ranges.isEmpty, !ranges.contains(where: { $0.contains(block) }) {
                findings.append(
                    Rule.kubernetesTrustBeyondGateway.finding(
                        at: location,
                        "\(workload) trusts \(text), which is not inside the gateway's range "
                            + "\(ranges.map(\.description).joined(separator: ", ")): other hosts or pods there can "
                            + "choose the client address",
                        fix: "trust \(ranges.map(\.description).joined(separator: ",")) only"
                    )
                )
            } else if ranges.isEmpty, !covered.contains(block.network.family),
                AddressCoverage.isHuge(block) || AddressCoverage.containsWholePrivateNetwork(block)
            {
                findings.append(
                    Rule.kubernetesTrustBeyondGateway.finding(
                        at: location,
                        "\(workload) trusts \(text), a whole private network or more: every pod and node in it "
                            + "can choose the client address, not only the gateway",
                        fix: "trust the gateway pods' range only (the spec's kubernetes.gateway.addresses, or the "
                            + "NetworkPolicy's ipBlock)"
                    )
                )
            }
        }
        // Blocks that together cover a whole family (0.0.0.0/1 + 128.0.0.0/1) are everyone too.
        if !blocks.contains(where: { $0.block.matchesEverything }) {
            for family in AddressCoverage.familiesCovered(by: blocks.map(\.block)) {
                let parts = blocks.filter { $0.block.network.family == family }
                findings.append(
                    Rule.kubernetesTrustEveryone.finding(
                        at: parts[0].location,
                        "\(workload) trusts \(parts.map(\.text).joined(separator: ", ")), which together are every "
                            + "\(family == .v4 ? "IPv4" : "IPv6") address: any client chooses its own address",
                        fix: "trust the gateway pods' range only (the spec's kubernetes.gateway.addresses)"
                    )
                )
            }
        }
        return findings
    }
}
