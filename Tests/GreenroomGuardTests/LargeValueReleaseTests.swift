import Synchronization
import Testing

@testable import GreenroomGuard

/// `greenroom check` keeps its last check's configuration and analysis until it exits instead of
/// freeing them, but a check of several files must not keep every file's.
@Suite struct LargeValueReleaseTests {
    final class Tracked: Sendable {
        let name: String
        init(_ name: String) { self.name = name }
    }

    @Test func onlyTheLastChecksValuesAreKept() {
        let first = Tracked("first config")
        let second = Tracked("first analysis")
        let third = Tracked("second config")
        _ = LargeValueRelease.keep(first)
        _ = LargeValueRelease.keep(second)
        let displaced = LargeValueRelease.keep(third)
        #expect(LargeValueRelease.keptCount == 2)
        #expect(displaced.count == 1)
        #expect((displaced.first as? Tracked) === first)
        let next = LargeValueRelease.keep(Tracked("second analysis"))
        #expect((next.first as? Tracked) === second)
    }
}
