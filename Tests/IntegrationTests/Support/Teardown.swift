import Foundation
import Synchronization

/// Stops what a test started, in reverse order, on a thread of its own, when the test's body
/// ends or throws.
///
/// Stopping a daemon waits for it to exit (up to its grace period). In a `defer` that wait
/// would hold one of Swift's cooperative threads (two on a two-core machine), and every other
/// test's timers would starve meanwhile; ``withTeardown(_:)`` awaits the stops instead.
final class Teardown: Sendable {
    private let actions = Mutex<[@Sendable () -> Void]>([])

    /// Registers `action` to run when the body ends (last registered, first run).
    func add(_ action: @escaping @Sendable () -> Void) {
        actions.withLock { $0.append(action) }
    }

    /// Runs every registered action once, off the cooperative pool.
    func run() async {
        let pending = actions.withLock { actions -> [@Sendable () -> Void] in
            defer { actions = [] }
            return actions.reversed()
        }
        guard !pending.isEmpty else { return }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                for action in pending { action() }
                done.resume()
            }.start()
        }
    }
}

/// Runs `body` with a ``Teardown``, then runs the teardown whether `body` returned or threw.
func withTeardown<T>(_ body: (Teardown) async throws -> T) async throws -> T {
    let teardown = Teardown()
    let value: T
    do {
        value = try await body(teardown)
    } catch {
        await teardown.run()
        throw error
    }
    await teardown.run()
    return value
}
