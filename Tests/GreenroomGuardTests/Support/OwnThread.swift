import Foundation

/// Runs CPU-heavy synchronous test work (10 MB configurations, include bombs) on a thread of its
/// own, so it does not occupy one of the few threads of Swift's cooperative pool for seconds and
/// starve every other test running in parallel (timers and deadlines in the server tests).
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
