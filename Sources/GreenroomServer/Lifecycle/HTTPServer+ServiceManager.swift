public import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension HTTPServer {
    /// Runs the server and `link` in one `ServiceGroup` that shuts down gracefully on SIGTERM and
    /// SIGINT; `link` handles SIGHUP, SIGUSR1, SIGUSR2 and `sd_notify`.
    ///
    /// The link comes after the server in the group, so shutdown reaches it first and systemd
    /// hears `STOPPING=1` before the listener closes.
    ///
    /// - Parameters:
    ///   - link: the service manager's side: signals, `sd_notify`, reload actions.
    ///   - companions: services that run and stop with the server (`serve`'s metrics endpoint);
    ///     they start with it and stop after it, so they see its last requests.
    public func runUntilTerminated(with link: ServiceManagerLink, companions: [any Service] = []) async throws {
        // Until the link traps them, these signals must not end the process (their default): the
        // server may say READY=1, and systemd send ExecReload's SIGHUP, before the link runs.
        for number in [SIGHUP, SIGUSR1, SIGUSR2] { signal(number, SIG_IGN) }
        // ...and one sent before the link runs (right after READY=1) is caught now, handled then.
        await link.trapSignals()
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: companions.map { .init(service: $0) } + [.init(service: self), .init(service: link)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
