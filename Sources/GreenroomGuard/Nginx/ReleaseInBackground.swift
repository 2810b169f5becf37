import Dispatch
import Synchronization

/// How the large values of a check (a parsed configuration, its analysis) are freed once the
/// check is done with them.
package enum LargeValueRelease {
    private static let keepsUntilExit = Atomic<Bool>(false)
    /// The values kept, newest last.
    private static let kept = Mutex<[any Sendable]>([])
    /// How many values are kept: one check's configuration and analysis.
    static let keptCount = 2

    /// Do not free the last check's values: for a process that exits once it has printed its
    /// report (`greenroom check`). Freeing a 10 MB configuration walks a million objects, a tenth
    /// of a second of a core taken from rendering the report, for pages the kernel takes back at
    /// exit anyway (clang's `-disable-free` makes the same trade). Only the last check's values
    /// are kept: a check of several files frees each earlier one in the background as the next
    /// is kept, so memory stays that of one file.
    package static func keepUntilProcessExit() { keepsUntilExit.store(true, ordering: .relaxed) }

    /// `true` once ``keepUntilProcessExit()`` was called.
    static var keepingUntilExit: Bool { keepsUntilExit.load(ordering: .relaxed) }

    /// Keeps `value`, handing back the values it displaces (the oldest beyond ``keptCount``).
    static func keep(_ value: some Sendable) -> [any Sendable] {
        kept.withLock { values in
            values.append(value)
            let excess = values.count - keptCount
            guard excess > 0 else { return [] }
            let displaced = Array(values.prefix(excess))
            values.removeFirst(excess)
            return displaced
        }
    }
}

/// Frees a large value on a background thread, so the caller goes on to the rules and the report
/// instead of walking a hundred thousand directives to release them; or, in a process that
/// called ``LargeValueRelease/keepUntilProcessExit()``, keeps it until a later check's values
/// displace it. The value must not be used after this.
func releaseInBackground(_ value: consuming some Sendable) {
    var displaced: [any Sendable] = []
    if LargeValueRelease.keepingUntilExit {
        displaced = LargeValueRelease.keep(value)
        if displaced.isEmpty { return }
    } else {
        displaced = [value]
    }
    DispatchQueue.global(qos: .utility).async { [displaced] in _ = displaced }
}
