import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit, which bounds connections before `--max-connections` does.
enum DescriptorLimit {
    /// Descriptors a server needs besides its connections: standard streams, event loops'
    /// epoll/eventfd/timerfd, the listener, the spare, logs.
    static let overhead = 32

    /// The soft `RLIMIT_NOFILE`, or `nil` when unlimited or unknown.
    static var soft: Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// Warns at start-up when the open-file limit, not `maxConnections`, will cap connections:
    /// beyond it the server refuses connections (and logs errors) instead of letting them wait.
    static func warnIfBelow(maxConnections: Int, logger: Logger) {
        guard let soft, maxConnections + overhead > soft else { return }
        logger.warning(
            "the open-file limit is below max-connections: connections beyond it are refused; raise it (ulimit -n, LimitNOFILE=) or lower max-connections",
            metadata: ["greenroom.nofile": "\(soft)", "greenroom.max_connections": "\(maxConnections)"]
        )
    }
}
