import GreenroomConfigParsing
import GreenroomCore

/// A problem in a deployment spec, pinned to the line that causes it.
///
/// Its ``description`` is the one line the CLI prints:
/// `greenroom.yml:12:5: app.listen.port: 80 is a privileged port; use 1024...65535`.
/// Equality compares ``code`` and ``keyPath`` only, so tests match exactly while messages improve.
public struct SpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable value.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name, e.g. `unknownKey`.
        public let name: String
        /// Creates a code. Prefer the predefined static members.
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The file cannot be read.
        public static let unreadable = Code("unreadable")
        /// The text is not YAML (the YAML parser's message follows).
        public static let invalidYAML = Code("invalidYAML")
        /// A key that the schema does not know (typo or wrong section).
        public static let unknownKey = Code("unknownKey")
        /// A key written twice in one mapping.
        public static let duplicateKey = Code("duplicateKey")
        /// A required key is missing.
        public static let missingKey = Code("missingKey")
        /// A value of the wrong shape (a list where a number belongs, ...).
        public static let wrongType = Code("wrongType")
        /// A value of the right shape but not allowed (out of range, not in the list of words, ...).
        public static let invalidValue = Code("invalidValue")
        /// A value that would be pasted into a config file but contains characters that could change
        /// that file's meaning (`;`, quotes, braces, newlines, ...).
        public static let unsafeText = Code("unsafeText")
        /// A bad IP address, CIDR block or trust entry (the core's reason follows).
        public static let invalidAddress = Code("invalidAddress")
        /// The app would listen on every interface while a proxy is configured: clients could
        /// bypass the proxy and forge their address.
        public static let wildcardBind = Code("wildcardBind")
        /// The app would listen on a non-loopback address without the remote-proxy topology.
        public static let publicBind = Code("publicBind")
        /// A port below 1024 (needs root) or 0.
        public static let privilegedPort = Code("privilegedPort")
        /// A trust list (or real-IP or balancer list) that matches every address, so any client could
        /// choose its own address (`*`, `0.0.0.0/0`, `::/0`).
        public static let trustsEveryone = Code("trustsEveryone")
        /// The app would run as root, or with the root group.
        public static let rootUser = Code("rootUser")
        /// The app's trust list does not match where the proxy connects from.
        public static let trustMismatch = Code("trustMismatch")
        /// The configured proxy cannot do what the spec asks (e.g. Apache sending PROXY protocol).
        public static let unsupportedByProxy = Code("unsupportedByProxy")
        /// Two settings contradict each other.
        public static let conflict = Code("conflict")
        /// The metrics endpoint (`app.metrics_port`) would listen on a non-loopback address.
        public static let metricsNotLoopback = Code("metricsNotLoopback")
    }

    /// The stable code.
    public let code: Code
    /// The key path the problem is about, e.g. `app.listen.port` (empty for whole-file problems).
    public let keyPath: String
    /// Where it is.
    public let location: SourceLocation
    /// The human message, without location and key: what is wrong.
    public let message: String
    /// What to do about it, when the check knows (`use 1024...65535`); `nil` otherwise.
    public let fix: String?
    /// The opt-in key that lets the deployment start despite this problem, as the
    /// `DeploymentPolicy` decided it (`app.allow_wildcard_bind` for a wildcard bind), or `nil`.
    public let optIn: StartupOptIn?

    /// Creates an error.
    public init(
        _ code: Code,
        at location: SourceLocation,
        keyPath: String,
        _ message: String,
        fix: String? = nil,
        optIn: StartupOptIn? = nil
    ) {
        self.code = code
        self.location = location
        self.keyPath = keyPath
        self.message = message
        self.fix = fix
        self.optIn = optIn
    }

    /// The message and the fix as one sentence: `message; fix`.
    public var text: String { fix.map { "\(message); \($0)" } ?? message }

    /// `file:line:column: key.path: message; fix`.
    public var description: String {
        keyPath.isEmpty ? "\(location): \(text)" : "\(location): \(keyPath): \(text)"
    }

    public static func == (lhs: SpecError, rhs: SpecError) -> Bool {
        lhs.code == rhs.code && lhs.keyPath == rhs.keyPath
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(keyPath)
    }
}
