/// One reason (not) to start a server, as the ``DeploymentPolicy`` decided it: which rule, how
/// serious, what is wrong and what to do, as separate fields.
public struct PolicyViolation: Sendable, Hashable, CustomStringConvertible {
    /// The rule, e.g. ``RuleID/specWildcardBind`` (`GR001`).
    public var rule: RuleID
    /// ``Severity/error`` refuses to start; ``Severity/warning`` starts and says so.
    public var severity: Severity
    /// What is wrong, naming the values (`refusing to bind 0.0.0.0:8000 while ...`).
    public var message: String
    /// What to do about it.
    public var fix: String
    /// The opt-in that turns this refusal into a warning, or `nil` when there is none.
    public var optIn: StartupOptIn?

    /// Creates a violation.
    public init(rule: RuleID, severity: Severity = .error, message: String, fix: String, optIn: StartupOptIn? = nil) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.fix = fix
        self.optIn = optIn
    }

    /// One line: `greenroom: <message>; <fix> [GR001]`.
    public var description: String { "greenroom: \(message); \(fix) [\(rule)]" }
}
