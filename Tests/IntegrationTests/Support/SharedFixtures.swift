import Foundation
import Testing

/// Something a suite starts once and stops at its end (a proxy in front of a server).
protocol SuiteFixture: Sendable {
    /// Stops every process of the fixture. Synchronous and idempotent.
    func stop()
}

/// Fixtures shared by every test case of one suite: each is started on first use (concurrent
/// first uses wait for the same start) and all are stopped when the suite ends, even when it
/// fails. A start that failed fails every case that needs it, with the same error.
///
/// Give the suite the ``SharedFixturesTrait`` (`@Suite(.sharedFixtures)`); cases then call
/// ``fixture(_:start:)``.
actor SharedFixtures {
    /// The fixtures of the suite running in this task.
    @TaskLocal static var current: SharedFixtures?

    private var started: [String: Task<any SuiteFixture, any Error>] = [:]
    private static let starts = ConcurrencyLimit(1)

    /// The fixture named `key`, started with `start` if nobody has started it yet.
    static func fixture<Fixture: SuiteFixture>(
        _ key: String,
        start: @escaping @Sendable () async throws -> Fixture
    ) async throws -> Fixture {
        guard let current else {
            throw HarnessError("no shared fixtures here: give the suite the .sharedFixtures trait")
        }
        let value = try await current.task(key, start).value
        guard let fixture = value as? Fixture else { throw HarnessError("fixture \(key) is a \(type(of: value))") }
        return fixture
    }

    private func task<Fixture: SuiteFixture>(
        _ key: String,
        _ start: @escaping @Sendable () async throws -> Fixture
    ) -> Task<any SuiteFixture, any Error> {
        if let task = started[key] { return task }
        // One start at a time: a suite's first cases all ask at once, and six daemons starting
        // together on two cores starve other suites' timers.
        let task = Task<any SuiteFixture, any Error> { try await Self.starts.run { try await start() } }
        started[key] = task
        return task
    }

    /// Stops every fixture that started, all at once (each stop blocks its own thread).
    func stopAll() async {
        var fixtures: [any SuiteFixture] = []
        for task in started.values {
            if let fixture = try? await task.value { fixtures.append(fixture) }
        }
        started = [:]
        await withTaskGroup(of: Void.self) { group in
            for fixture in fixtures {
                group.addTask {
                    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                        Thread {
                            fixture.stop()
                            done.resume()
                        }.start()
                    }
                }
            }
        }
    }
}

/// Runs a suite inside its own ``SharedFixtures`` and stops them when the suite is done.
struct SharedFixturesTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let fixtures = SharedFixtures()
        do {
            try await SharedFixtures.$current.withValue(fixtures) { try await function() }
        } catch {
            await fixtures.stopAll()
            throw error
        }
        await fixtures.stopAll()
    }
}

extension Trait where Self == SharedFixturesTrait {
    /// Fixtures started once per suite (``SharedFixtures``).
    static var sharedFixtures: Self { SharedFixturesTrait() }
}
