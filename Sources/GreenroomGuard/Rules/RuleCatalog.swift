import GreenroomCore

/// Every rule the guard knows, and the id ranges reserved for each scope.
///
/// `GR001`–`GR019` look at the deployment spec, `GR020`–`GR049` at nginx configuration,
/// `GR050`–`GR079` at Apache httpd configuration and `GR080`–`GR099` at the running system. Ids
/// never change meaning once published; a retired rule's id is never reused.
///
/// `GR100`–`GR129` are nginx too (the hardening rules). A scope may own several ranges.
/// `GR130`–`GR149` look at HAProxy configuration, `GR150`–`GR159` compare generated files with the spec, `GR160`–`GR189` look at Kubernetes
/// manifests.
public enum RuleCatalog {
    /// The id ranges, by scope.
    public static let reservedRanges: [(scope: Rule.Scope, ids: ClosedRange<Int>)] = [
        (.spec, 1...19), (.nginx, 20...49), (.apache, 50...79), (.live, 80...99),
        (.nginx, 100...129),
        (.haproxy, 130...149),
        (.generated, 150...159),
        (.kubernetes, 160...189),
        (.spec, 93...99),
    ]

    /// Every rule, ordered by id.
    public static let all: [Rule] =
        (Rule.specRules + Rule.nginxRules + Rule.nginxHardeningRules
        + Rule.apacheRules + Rule.haproxyRules + Rule.liveRules + Rule.generatedRules + Rule.kubernetesRules)
        .sorted { $0.id < $1.id }

    /// The rule with this id.
    public static func rule(_ id: RuleID) -> Rule? { all.first { $0.id == id } }

    /// The Markdown documentation of every rule: title, severity, rationale, bad and good example.
    /// The README's rule section is this text.
    public static func markdown(_ rules: [Rule] = all) -> String {
        var out = "| id | severity | scope | title |\n|----|----------|-------|-------|\n"
        for rule in rules { out += "| \(rule.id) | \(rule.severity) | \(rule.scope.rawValue) | \(rule.title) |\n" }
        for rule in rules {
            out += "\n### \(rule.id): \(rule.title)\n\n"
            out += "*\(rule.severity), \(rule.scope.rawValue)*. \(rule.rationale)\n\n"
            out +=
                "Bad:\n\n```\(fence(rule.scope))\n\(rule.bad)\n```\n\nGood:\n\n```\(fence(rule.scope))\n\(rule.good)\n```\n"
        }
        return out
    }

    private static func fence(_ scope: Rule.Scope) -> String {
        switch scope {
        case .nginx: "nginx"
        case .apache: "apache"
        case .haproxy: "haproxy"
        case .spec, .kubernetes: "yaml"
        case .live, .generated: ""
        }
    }
}
