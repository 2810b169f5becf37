import Dispatch

/// Frees a large value (a parsed configuration, its analysis) on a background thread, so the
/// caller goes on to the rules and the report instead of walking a hundred thousand directives to
/// release them. The value must not be used after this.
func releaseInBackground(_ value: consuming some Sendable) {
    DispatchQueue.global(qos: .utility).async { [value] in _ = value }
}
