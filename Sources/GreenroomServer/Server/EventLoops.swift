import NIOCore
import NIOPosix
import Synchronization

/// Process-wide event-loop settings for executables that embed the server.
public enum EventLoops {
    private static let installed = Atomic<Bool>(false)

    /// Sets the number of threads of NIO's shared event-loop group. Call before anything uses it.
    public static func setThreadCount(_ count: Int) {
        NIOSingletons.groupLoopCountSuggestion = max(1, count)
    }

    /// Makes NIO's shared event loops Swift Concurrency's global executor, so a connection's
    /// task runs on the thread that does the connection's I/O instead of hopping to the global
    /// pool and back for every request.
    ///
    /// Executables only: call it once, first thing in `main`, before any task runs. Returns
    /// `false` when the runtime does not allow it; the server then pins each connection's task
    /// to its event loop with a task executor preference instead.
    @discardableResult
    public static func installAsGlobalExecutor() -> Bool {
        let done = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        if done { installed.store(true, ordering: .relaxed) }
        return done
    }

    /// `true` once ``installAsGlobalExecutor()`` succeeded in this process.
    public static var areGlobalExecutor: Bool { installed.load(ordering: .relaxed) }
}

/// Runs a task's jobs on one event loop: a connection's task then resumes on the thread that
/// just read its bytes, without a hop to the global pool and back.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// One executor per loop of `group`, looked up by the loop's identity.
    static func perLoop(_ group: any EventLoopGroup) -> [ObjectIdentifier: EventLoopTaskExecutor] {
        var executors: [ObjectIdentifier: EventLoopTaskExecutor] = [:]
        for loop in group.makeIterator() { executors[ObjectIdentifier(loop)] = EventLoopTaskExecutor(loop) }
        return executors
    }
}
