import GreenroomServer
import Logging
import ServiceLifecycle
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// systemd sends ExecReload's SIGHUP as soon as it hears READY=1, which the server says from
/// `onListening`, possibly before the link's `run()` has started: a SIGHUP caught by
/// ``ServiceManagerLink/trapSignals()`` before then is handled once it runs, not lost.
@Suite struct ServiceManagerLinkTests {
    @Test func aSIGHUPSentBeforeTheLinkRunsIsHandled() async throws {
        signal(SIGHUP, SIG_IGN)  // as runUntilTerminated does before anything else
        let reload = ReloadActions()
        let (reloads, reloaded) = AsyncStream<Void>.makeStream()
        reload.add("note the reload") { reloaded.yield() }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let link = ServiceManagerLink(reload: reload, notifier: nil, logger: logger)
        await link.trapSignals()
        kill(getpid(), SIGHUP)
        let group = ServiceGroup(services: [link], logger: logger)
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await group.run()
                return false
            }
            tasks.addTask {
                for await _ in reloads { return true }
                return false
            }
            tasks.addTask {
                try await Task.sleep(for: .seconds(10))
                return false
            }
            let handled = try await tasks.next() ?? false
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
            #expect(handled, "the SIGHUP sent before run() was lost")
        }
    }
}
