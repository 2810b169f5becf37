import NIOPosix

/// Runs blocking work (file I/O, a C library, CPU-heavy code) off the event loops, like
/// eventlet's `tpool`: the connection's task waits without blocking the loop other
/// connections share.
public enum BlockingPool {
    /// Runs `body` on NIO's shared thread pool and returns its result.
    ///
    /// - Throws: what `body` throws, or `CancellationError` when the pool is shutting down.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
