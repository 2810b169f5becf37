/// One reason (not) to start, with the fix: what the start-up guard reports.
public struct StartupFinding: Sendable, Hashable, CustomStringConvertible {
    /// How serious a finding is.
    public enum Severity: String, Sendable, Hashable {
        /// The server refuses to start.
        case error
        /// The server starts and prints the finding.
        case warning
    }

    /// A stable identifier (`bind-wildcard`, ...), printed with the finding.
    public var id: String
    /// Error or warning.
    public var severity: Severity
    /// What is wrong, naming the value (`refusing to bind 0.0.0.0:8000 while ...`).
    public var message: String
    /// What to do about it.
    public var fix: String

    /// Creates a finding.
    public init(id: String, severity: Severity = .error, message: String, fix: String) {
        self.id = id
        self.severity = severity
        self.message = message
        self.fix = fix
    }

    /// One line: `greenroom: <message>; <fix> [<id>]`.
    public var description: String { "greenroom: \(message); \(fix) [\(id)]" }
}
