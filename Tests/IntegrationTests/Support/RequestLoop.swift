import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Keep-alive request loops on threads of their own, with every outcome counted: the load of the
/// fault tests (shutdown under load, proxy reloads under load).
///
/// Each worker sends `request` on a keep-alive connection, reads the response, and goes on until
/// told to stop, bounded by a deadline and a request count. A response with `Connection: close`
/// ends its connection; the next request opens a new one.
struct RequestLoop: Sendable {
    /// What happened to the requests of a run.
    struct Tally: Sendable, CustomStringConvertible {
        /// Complete `200` responses.
        var ok = 0
        /// Complete responses with another status, by status.
        var otherStatuses: [Int: Int] = [:]
        /// Responses cut short: the connection ended in the middle of one.
        var incomplete = 0
        /// A reused keep-alive connection ended before a byte of the response: the server (or
        /// proxy) closed it while idle, as HTTP allows; a client retries on a new connection.
        var staleKeepAlive = 0
        /// A new connection was refused, or ended before a byte of the response.
        var refused = 0
        /// No response before the deadline.
        var timeouts = 0
        /// Responses that said `Connection: close`.
        var closeAnnounced = 0
        /// Requests sent (or connections attempted for one).
        var sent = 0
        /// The longest time from connecting (or sending, on a reused connection) to a whole
        /// response: how long a switch between servers kept a client waiting.
        var slowest: Duration = .zero
        /// The first few problems, for messages.
        var examples: [String] = []

        /// Requests that got a broken answer or none at all on a connection that was answering.
        var failures: Int { otherStatuses.values.reduce(0, +) + incomplete + timeouts }

        mutating func note(_ example: String) {
            if examples.count < 5 { examples.append(example) }
        }

        mutating func merge(_ other: Tally) {
            ok += other.ok
            otherStatuses.merge(other.otherStatuses, uniquingKeysWith: +)
            incomplete += other.incomplete
            staleKeepAlive += other.staleKeepAlive
            refused += other.refused
            timeouts += other.timeouts
            closeAnnounced += other.closeAnnounced
            sent += other.sent
            slowest = max(slowest, other.slowest)
            for example in other.examples { note(example) }
        }

        var description: String {
            "ok \(ok), other statuses \(otherStatuses), incomplete \(incomplete), stale keep-alive \(staleKeepAlive), "
                + "refused \(refused), timeouts \(timeouts), Connection: close \(closeAnnounced), examples \(examples), "
                + "sent \(sent), slowest \(slowest)"
        }
    }

    var port: UInt16
    var request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
    var workers = 8
    /// The longest a run may take.
    var deadline: Duration = .seconds(30)
    /// The most requests per worker.
    var maxRequests = 200_000
    /// A worker stops after this many refusals in a row (the server is gone).
    var stopAfterRefusals = 20
    /// A pause after each response: steady load without starving tests that run alongside.
    var pause: Duration = .milliseconds(1)
    /// Complete `200` responses so far, across workers (to wait until the load is on).
    let served = SharedCounter()

    /// Runs the workers until `stop` returns `true` (or a bound is reached).
    func run(until stop: @escaping @Sendable () -> Bool) async throws -> Tally {
        try await withThrowingTaskGroup(of: Tally.self) { group in
            for _ in 0..<workers {
                group.addTask { try await onThread { worker(stop: stop) } }
            }
            var total = Tally()
            for try await tally in group { total.merge(tally) }
            return total
        }
    }

    /// Runs the workers for `duration`.
    func run(for duration: Duration) async throws -> Tally {
        let end = ContinuousClock.now + duration
        return try await run { ContinuousClock.now >= end }
    }

    private func worker(stop: @Sendable () -> Bool) -> Tally {
        var tally = Tally()
        var connection: RawConnection?
        var reused = false
        var refusalsInARow = 0
        var requests = 0
        let end = ContinuousClock.now + deadline
        while !stop(), ContinuousClock.now < end, requests < maxRequests, refusalsInARow < stopAfterRefusals {
            let started = ContinuousClock.now
            tally.sent += 1
            if connection == nil {
                do {
                    connection = try RawConnection.open(port: port, timeout: .seconds(2))
                    reused = false
                } catch {
                    tally.refused += 1
                    refusalsInARow += 1
                    usleep(2_000)
                    continue
                }
            }
            guard let current = connection else { continue }
            requests += 1
            do {
                try current.send(request)
                let response = try current.readResponse(timeout: .seconds(10))
                refusalsInARow = 0
                tally.slowest = max(tally.slowest, ContinuousClock.now - started)
                if response.status == 200 {
                    tally.ok += 1
                    served.increment()
                } else {
                    tally.otherStatuses[response.status, default: 0] += 1
                    tally.note("\(response)")
                }
                if response.closesConnection {
                    tally.closeAnnounced += 1
                    connection = nil
                } else {
                    reused = true
                }
                if pause > .zero {
                    usleep(
                        UInt32(
                            clamping: pause.components.seconds * 1_000_000 + pause.components.attoseconds
                                / 1_000_000_000_000
                        )
                    )
                }
            } catch let error as IncompleteResponse {
                tally.incomplete += 1
                tally.note("\(error)")
                connection = nil
            } catch RawConnection.Failure.timedOut(let what) {
                tally.timeouts += 1
                tally.note("timed out \(what)")
                connection = nil
            } catch {
                if reused {
                    tally.staleKeepAlive += 1
                } else {
                    tally.refused += 1
                    refusalsInARow += 1
                }
                connection = nil
            }
        }
        return tally
    }
}

/// A count shared between threads.
final class SharedCounter: Sendable {
    private let value = Atomic<Int>(0)
    func increment() { value.add(1, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

/// A flag tests raise to stop request loops.
final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    func raise() { raised.store(true, ordering: .relaxed) }
    var isRaised: Bool { raised.load(ordering: .relaxed) }
}
