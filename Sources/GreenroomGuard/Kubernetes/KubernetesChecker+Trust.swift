import GreenroomConfigParsing
import GreenroomCore

extension KubernetesChecker {
    /// The app's trust entries: `--trust X` / `--trust=X` in a container's command or args, and
    /// `GREENROOM_TRUST` (comma-separated) in its env, each with where it was written.
    static func trustEntries(of app: KubernetesApp) -> [(text: String, location: SourceLocation)] {
        var entries: [(String, SourceLocation)] = []
        for container in app.containers {
            let words = KubernetesWorkload.words(of: container)
            for (index, (word, location)) in words.enumerated() {
                var value: (String, SourceLocation)?
                if word == "--trust", index + 1 < words.count {
                    value = (words[index + 1].word, words[index + 1].location)
                } else if word.hasPrefix("--trust=") {
                    value = (String(word.dropFirst("--trust=".count)), location)
                }
                if let (text, at) = value { entries += text.split(separator: ",").map { (String($0), at) } }
            }
            for variable in container["env"]?.items ?? [] where variable["name"]?.text == "GREENROOM_TRUST" {
                guard let value = variable["value"], let text = value.text else { continue }
                entries += text.split(separator: ",").map { ($0.trimmingSpaces, value.location) }
            }
        }
        return entries.filter { !$0.0.isEmpty }
    }

    /// GR168 (the trust list holds everyone) and GR169 (an entry outside the gateway's ranges,
    /// when they are known).
    func trust(of app: KubernetesApp, gateway ranges: [CIDR]) -> [Finding] {
        var findings: [Finding] = []
        let workload = app.workload.object.reference
        for (text, location) in Self.trustEntries(of: app) {
            guard let entry = try? TrustedProxies.Entry(parsing: text, allowingEverything: true),
                case .cidr(let block) = entry
            else { continue }
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
            }
        }
        return findings
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
