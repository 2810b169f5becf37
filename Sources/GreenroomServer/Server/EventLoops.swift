import NIOCore
import NIOPosix

/// Process-wide event-loop settings for executables that embed the server.
public enum EventLoops {
    /// Sets the number of threads of NIO's shared event-loop group. Call before anything uses it.
    public static func setThreadCount(_ count: Int) {
        NIOSingletons.groupLoopCountSuggestion = max(1, count)
    }

    /// Makes NIO's shared event loops Swift Concurrency's global executor, so a connection's
    /// task runs on the thread that does the connection's I/O instead of hopping to the global
    /// pool and back for every request.
    ///
    /// Executables only: call it once, first thing in `main`, before any task runs. Returns
    /// `false` when the runtime does not allow it (the server then works, with thread hops).
    @discardableResult
    public static func installAsGlobalExecutor() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
