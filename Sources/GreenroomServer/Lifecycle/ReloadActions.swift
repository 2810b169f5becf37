import Logging
import Synchronization

/// What a running server does on SIGHUP: a list of named actions, run in the order they were
/// added (re-read the spec, reopen the access log for logrotate, ...).
///
/// Add an action before the server runs or while it runs; each runs on every SIGHUP. An action
/// that throws is logged with its name and does not stop the others, and the server keeps what it
/// had (an action must only swap in a new state once it has fully built it).
///
/// ```swift
/// let reload = ReloadActions()
/// reload.add("reopen access log") { try accessLog.reopen() }
/// ```
public final class ReloadActions: Sendable {
    /// One action and the name its log lines carry.
    private struct Action: Sendable {
        let name: String
        let body: @Sendable () async throws -> Void
    }

    private let actions = Mutex<[Action]>([])

    /// An empty list.
    public init() {}

    /// Adds `body`, run on every reload after the actions added before it.
    ///
    /// - Parameters:
    ///   - name: what it does, for the log (`reopen access log`).
    ///   - body: the action; throw to report a failure (its description is logged).
    public func add(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        actions.withLock { $0.append(Action(name: name, body: body)) }
    }

    /// The names of the actions, in the order they run.
    public var names: [String] { actions.withLock { $0.map(\.name) } }

    /// Runs every action in order, logging each failure at error level.
    ///
    /// - Returns: the names of the actions that failed.
    @discardableResult
    public func run(logger: Logger) async -> [String] {
        var failed: [String] = []
        for action in actions.withLock({ $0 }) {
            do {
                try await action.body()
            } catch {
                failed.append(action.name)
                logger.error(
                    "reload action failed, keeping the previous state",
                    metadata: ["greenroom.action": "\(action.name)", "greenroom.error": "\(error)"]
                )
            }
        }
        return failed
    }
}
