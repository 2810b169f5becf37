import GreenroomConfigParsing
import GreenroomCore

/// One problem the guard found: which rule, how serious, where, what, and how to fix it.
public struct Finding: Sendable, Hashable, CustomStringConvertible {
    /// The stable rule id, `GR###`.
    public var rule: RuleID
    /// How serious this occurrence is (usually the rule's default severity).
    public var severity: Severity
    /// Where it is, when it is in a file.
    public var location: SourceLocation?
    /// One line saying what is wrong, naming the values involved.
    public var message: String
    /// A concrete fix: the line(s) to write, the flag to pass.
    public var fix: String
    /// The opt-in that lets `greenroom serve` start despite this finding (`--trust-public-ranges`,
    /// ...), or `nil` when there is none. `check` reports the finding either way.
    public var optIn: StartupOptIn?
    /// Other places involved, which the fix may touch too: the `proxy_pass` a header line applies
    /// to, the `proxy_pass` that uses an upstream `server` line.
    public var related: [SourceLocation]
    /// The fix as an exact edit of the file, when it is one (see ``Replacement``).
    public var replacement: Replacement?

    /// Creates a finding.
    public init(
        rule: RuleID,
        severity: Severity,
        location: SourceLocation?,
        message: String,
        fix: String,
        optIn: StartupOptIn? = nil,
        related: [SourceLocation] = [],
        replacement: Replacement? = nil
    ) {
        self.replacement = replacement
        self.optIn = optIn
        self.related = related
        self.rule = rule
        self.severity = severity
        self.location = location
        self.message = message
        self.fix = fix
    }

    /// `file:line:column: severity GR###: message`.
    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)\(severity) \(rule): \(message)"
    }
}

extension Finding: Comparable {
    /// Orders by file, line, column, then rule id; findings without a location come last.
    public static func < (lhs: Finding, rhs: Finding) -> Bool {
        switch (lhs.location, rhs.location) {
        case (let l?, let r?) where l != r: return l < r
        case (nil, _?): return false
        case (_?, nil): return true
        default: return (lhs.rule, lhs.message) < (rhs.rule, rhs.message)
        }
    }
}

extension Finding {
    /// Calls `body` with each run of `sorted` (sorted by ``<(_:_:)``) that the order leaves
    /// tied: findings at one place with one rule and message, almost always one long. Sorting
    /// brings equal findings together, so merging or removing duplicates compares only these
    /// runs and never hashes every finding.
    static func forEachRunOfTies(in sorted: [Finding], _ body: (ArraySlice<Finding>) -> Void) {
        var start = sorted.startIndex
        while start < sorted.endIndex {
            var end = start + 1
            while end < sorted.endIndex, !(sorted[start] < sorted[end]) { end += 1 }
            body(sorted[start..<end])
            start = end
        }
    }

    /// The order of findings ``<(_:_:)`` leaves tied (one place, rule and message): by severity,
    /// fix, then related places. Findings equal in those too keep their order.
    static func breaksTie(_ lhs: Finding, _ rhs: Finding) -> Bool {
        if lhs.severity != rhs.severity { return lhs.severity < rhs.severity }
        if lhs.fix != rhs.fix { return lhs.fix < rhs.fix }
        return lhs.related.lexicographicallyPrecedes(rhs.related)
    }
}

extension Finding {
    /// A `DeploymentPolicy` violation as a finding (no location: it is about the settings).
    public init(violation: PolicyViolation) {
        self.init(
            rule: violation.rule,
            severity: violation.severity,
            location: nil,
            message: violation.message,
            fix: violation.fix,
            optIn: violation.optIn
        )
    }
}
