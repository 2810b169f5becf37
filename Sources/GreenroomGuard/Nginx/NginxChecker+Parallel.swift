import Dispatch
import Synchronization

extension NginxChecker {
    /// Runs each check on its own thread (they only read the analysis) and returns their
    /// findings in the checks' order, so the result does not depend on scheduling. A 10 MB
    /// configuration spends most of its time in the checks; two cores share them.
    static func runInParallel(
        _ checks: [@Sendable (NginxAnalysis) -> [Finding]],
        on analysis: NginxAnalysis
    ) -> [[Finding]] {
        let slots = Mutex<[[Finding]]>(Array(repeating: [], count: checks.count))
        DispatchQueue.concurrentPerform(iterations: checks.count) { index in
            let findings = checks[index](analysis)
            slots.withLock { $0[index] = findings }
        }
        return slots.withLock { $0 }
    }
}
