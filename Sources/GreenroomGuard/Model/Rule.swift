import GreenroomConfigParsing
import GreenroomCore

/// A documented check with a stable id.
///
/// Ids never change meaning once published: `GR001`–`GR019` are the deployment-spec rules,
/// `GR020`–`GR049` nginx, `GR050`–`GR079` Apache httpd, `GR080` and up the live rules, `GR160`–`GR189` Kubernetes. Each rule
/// documents itself with a bad and a good example, from which the README section is written.
public struct Rule: Sendable, Hashable, Identifiable {
    /// What a rule looks at.
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        /// The deployment spec (`greenroom.yml`).
        case spec
        /// An nginx configuration.
        case nginx
        /// An Apache httpd configuration.
        case apache
        /// An HAProxy configuration.
        case haproxy
        /// The running system (sockets, processes, a probe through the proxy).
        case live
        /// Kubernetes manifests.
        case kubernetes
        /// Files `greenroom generate` wrote, compared with what the spec renders now.
        case generated
    }

    /// The stable id, `GR###`.
    public let id: RuleID
    /// The default severity of its findings.
    public let severity: Severity
    /// What it looks at.
    public let scope: Scope
    /// A short title (`proxy_pass does not reach the app`).
    public let title: String
    /// Why it matters, in a sentence or two.
    public let rationale: String
    /// A configuration that triggers it.
    public let bad: String
    /// The same configuration, fixed.
    public let good: String

    /// Creates a rule.
    public init(
        id: RuleID,
        severity: Severity,
        scope: Scope,
        title: String,
        rationale: String,
        bad: String,
        good: String
    ) {
        self.id = id
        self.severity = severity
        self.scope = scope
        self.title = title
        self.rationale = rationale
        self.bad = bad
        self.good = good
    }

    /// A finding of this rule.
    ///
    /// - Parameters:
    ///   - location: where in a file the problem is, when it is in one.
    ///   - message: what is wrong, naming the value.
    ///   - fix: what to change.
    ///   - severity: overrides the rule's default when an occurrence is more or less
    ///     serious than usual (the rule's documentation says when).
    ///   - related: other places involved (see ``Finding/related``).
    public func finding(
        at location: SourceLocation?,
        _ message: String,
        fix: String,
        severity: Severity? = nil,
        related: [SourceLocation] = []
    ) -> Finding {
        Finding(
            rule: id,
            severity: severity ?? self.severity,
            location: location,
            message: message,
            fix: fix,
            related: related
        )
    }
}
