/// A command-line flag whose value cannot be used, with a one-line message that names the flag
/// (`--trust: trust entry 'x' is not a CIDR block, ...`).
///
/// The CLI prints ``message`` as a usage error (exit status 2); tests compare both fields.
package struct FlagError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The flag, as typed: `--peer`, `--trust`, `--header`, `--proxy-hex`, `--hops`.
    package let flag: String
    /// The whole message, starting with the flag (and, for `--header`, the offending line).
    package let message: String

    /// Creates an error whose message is `flag: reason`.
    package init(_ flag: String, _ reason: String) {
        self.flag = flag
        self.message = "\(flag): \(reason)"
    }

    /// Creates an error with a message that names the flag in its own way.
    package init(flag: String, message: String) {
        self.flag = flag
        self.message = message
    }

    package var description: String { message }
}
