/// How serious a finding is.
///
/// `greenroom check` exits 1 when any finding is an ``error``; warnings and info are reported
/// but do not fail the check.
public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// Clients can bypass the proxy or choose their address, or the deployment does not work.
    case error
    /// Likely wrong or fragile; worth fixing.
    case warning
    /// Worth knowing; nothing is broken.
    case info

    /// Orders `error` before `warning` before `info`.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .info: 2
        }
    }

    /// `error`, `warning` or `info`: the value used in JSON output.
    public var description: String { rawValue }
}
