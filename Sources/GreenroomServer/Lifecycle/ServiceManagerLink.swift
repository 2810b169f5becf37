public import Logging
public import ServiceLifecycle
import Synchronization
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The server's side of running under a service manager: SIGHUP runs the ``ReloadActions``,
/// SIGUSR1/SIGUSR2 are logged and ignored, and `sd_notify` tells systemd `READY=1` (with a
/// `STATUS=`), `WATCHDOG=1` every half `WATCHDOG_USEC`, and `STOPPING=1` when shutdown begins.
///
/// Run it in the same `ServiceGroup` as the ``HTTPServer``, **after** it in the services list, so
/// graceful shutdown reaches it first (the group shuts services down in reverse order): systemd
/// hears `STOPPING=1` before the listener closes. Call ``markReady(status:)`` from the server's
/// `onListening`.
public struct ServiceManagerLink: Service {
    private let notifier: SystemdNotifier?
    private let watchdogInterval: Duration?
    private let reload: ReloadActions
    private let logger: Logger
    private let ready: AsyncStream<Void>
    private let readyContinuation: AsyncStream<Void>.Continuation
    private let trap = SignalTrap()

    /// A link to the service manager the environment names (`NOTIFY_SOCKET`, `WATCHDOG_USEC`).
    ///
    /// - Parameters:
    ///   - reload: what SIGHUP runs.
    ///   - notifier: where `sd_notify` messages go; `nil` sends none.
    ///   - watchdogInterval: how often to send `WATCHDOG=1` once ready; `nil` for never.
    ///   - logger: where signal and reload lines go.
    public init(
        reload: ReloadActions,
        notifier: SystemdNotifier? = SystemdNotifier.fromEnvironment(),
        watchdogInterval: Duration? = SystemdNotifier.watchdogIntervalFromEnvironment(),
        logger: Logger
    ) {
        self.reload = reload
        self.notifier = notifier
        self.watchdogInterval = notifier == nil ? nil : watchdogInterval
        self.logger = logger
        (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// `CLOCK_MONOTONIC` in microseconds, as `MONOTONIC_USEC=` wants it.
    static func monotonicMicroseconds() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int(time.tv_sec) * 1_000_000 + Int(time.tv_nsec) / 1000
    }

    /// Tells the manager the listeners accept (`READY=1`) and what the server does (`STATUS=`);
    /// starts the watchdog pings.
    public func markReady(status: String) {
        notifier?.send("READY=1\nSTATUS=\(Self.oneLine(status))")
        readyContinuation.yield()
    }

    /// Tells the manager what the server does now (`STATUS=`), e.g. after a reload changed whom
    /// it trusts.
    public func updateStatus(_ status: String) {
        notifier?.send("STATUS=\(Self.oneLine(status))")
    }

    /// Starts catching SIGHUP, SIGUSR1 and SIGUSR2 now; ``run()`` handles those caught before it
    /// starts. Call it before the server listens: systemd sends ExecReload's SIGHUP as soon as it
    /// hears READY=1, which may be before ``run()`` begins (`HTTPServer.runUntilTerminated(with:)`
    /// calls it).
    public func trapSignals() async {
        guard trap.sequence.withLock({ $0 }) == nil else { return }
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigusr1, .sigusr2)
        trap.sequence.withLock { $0 = $0 ?? signals }
    }

    /// Handles signals and watchdog pings until graceful shutdown, which it reports as `STOPPING=1`.
    public func run() async throws {
        await trapSignals()
        guard let signals = trap.sequence.withLock({ $0 }) else { return }
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await signal in signals.cancelOnGracefulShutdown() {
                    await handle(signal)
                }
            }
            if let watchdogInterval, let notifier {
                group.addTask {
                    for await _ in ready.cancelOnGracefulShutdown() { break }
                    while !Task.isCancelled && !Task.isShuttingDownGracefully {
                        notifier.send("WATCHDOG=1")
                        try? await Task.sleep(for: watchdogInterval)
                    }
                }
            }
            try? await gracefulShutdown()
            notifier?.send("STOPPING=1\nSTATUS=shutting down, finishing in-flight requests")
            logger.notice("shutting down")
            group.cancelAll()
        }
        readyContinuation.finish()
    }

    private func handle(_ signal: UnixSignal) async {
        switch signal {
        case .sighup:
            logger.notice("SIGHUP: reloading", metadata: ["greenroom.actions": "\(reload.names)"])
            // sd_notify(3): RELOADING=1 carries the CLOCK_MONOTONIC time at which the reload began.
            notifier?.send("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())")
            let failed = await reload.run(logger: logger)
            notifier?.send("READY=1")
            if failed.isEmpty {
                logger.notice("SIGHUP: reload done")
            } else {
                logger.error("SIGHUP: reload failed", metadata: ["greenroom.failed": "\(failed)"])
            }
        default:
            logger.notice(
                "signal ignored (SIGTERM or SIGINT stops gracefully, SIGHUP reloads)",
                metadata: ["greenroom.signal": "\(Self.name(signal))"]
            )
        }
    }

    static func name(_ signal: UnixSignal) -> String {
        switch signal {
        case .sigusr1: "SIGUSR1"
        case .sigusr2: "SIGUSR2"
        case .sighup: "SIGHUP"
        default: "\(signal)"
        }
    }

    /// `STATUS=` is one line: newlines would start new assignments.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}

/// The signal sequence ``ServiceManagerLink/trapSignals()`` created, shared by the link's copies.
private final class SignalTrap: Sendable {
    let sequence = Mutex<UnixSignalsSequence?>(nil)
}
