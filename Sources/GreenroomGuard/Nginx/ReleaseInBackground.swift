import Dispatch
import Synchronization

/// How the large values of a check (a parsed configuration, its analysis) are freed once the
/// check is done with them.
package enum LargeValueRelease {
    private static let keepsUntilExit = Atomic<Bool>(false)

    /// Never free them: for a process that exits once it has printed its report
    /// (`greenroom check`). Freeing a 10 MB configuration walks a million objects, a tenth of a
    /// second of a core taken from rendering the report, for pages the kernel takes back at exit
    /// anyway (clang's `-disable-free` makes the same trade).
    package static func keepUntilProcessExit() { keepsUntilExit.store(true, ordering: .relaxed) }

    /// `true` once ``keepUntilProcessExit()`` was called.
    static var keepingUntilExit: Bool { keepsUntilExit.load(ordering: .relaxed) }
}

/// Frees a large value on a background thread, so the caller goes on to the rules and the report
/// instead of walking a hundred thousand directives to release them; or, in a process that
/// called ``LargeValueRelease/keepUntilProcessExit()``, not at all. The value must not be used
/// after this.
func releaseInBackground(_ value: consuming some Sendable) {
    if LargeValueRelease.keepingUntilExit {
        _ = Unmanaged.passRetained(KeptValue(value))
        return
    }
    DispatchQueue.global(qos: .utility).async { [value] in _ = value }
}

/// A value kept alive on purpose until the process exits.
private final class KeptValue<Value: Sendable>: Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
