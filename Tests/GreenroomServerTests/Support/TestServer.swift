import GreenroomCore
import Logging
import NIOCore
import NIOPosix
import Synchronization

@testable import GreenroomServer

/// A real listening server for socket tests: short timeouts, port 0, an in-memory log.
struct TestServer: Sendable {
    let server: HTTPServer
    let bound: BindTarget
    let logs: LogStore

    /// The configuration tests start from: loopback, port 0, short timeouts. The header timeout
    /// leaves room for test clients that the parallel load tests delay; tests of the timeouts
    /// set their own.
    static func configuration(_ bind: BindTarget = .tcp(host: "127.0.0.1", port: 0)) -> ServerConfiguration {
        var configuration = ServerConfiguration(
            bind: bind,
            headerTimeout: .seconds(3),
            idleTimeout: .seconds(5),
            shutdownTimeout: .seconds(3)
        )
        // The test runner may be root (CI containers); the policy's root rule is not under test here.
        configuration.policyExemptions = [.specRootUser]
        return configuration
    }

    /// Starts a server, runs `body`, shuts the server down gracefully and waits for it to stop.
    static func with<T: Sendable>(
        _ configuration: ServerConfiguration = TestServer.configuration(),
        handler: some HTTPHandler = BuiltInApp(),
        accessLogWriter: (any AccessLogWriter)? = nil,
        _ body: (TestServer) async throws -> T
    ) async throws -> T {
        let logs = LogStore()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(store: logs) }
        let (listening, continuation) = AsyncStream<BindTarget>.makeStream()
        let server = HTTPServer(
            configuration: configuration,
            logger: logger,
            accessLogWriter: accessLogWriter,
            onListening: { bound in
                continuation.yield(bound)
                continuation.finish()
            },
            handler: handler
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { continuation.finish() }
                try await server.run()
            }
            var iterator = listening.makeAsyncIterator()
            guard let bound = await iterator.next() else {
                try await group.waitForAll()
                throw StartFailed()
            }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(TestServer(server: server, bound: bound, logs: logs)))
            } catch {
                result = .failure(error)
            }
            server.shutdownGracefully()
            try await group.waitForAll()
            return try result.get()
        }
    }

    struct StartFailed: Error {}

    /// Connects a raw client.
    func connect() async throws -> TestClient {
        try await TestClient.connect(to: bound)
    }

    /// Sends one request on a new connection and reads the response.
    func request(_ text: String) async throws -> TestResponse? {
        let client = try await connect()
        let response: TestResponse?
        do {
            try await client.send(text)
            response = try await client.readResponse()
        } catch {
            await client.close()
            throw error
        }
        await client.close()
        return response
    }
}

/// Log events captured in memory (never the global logging system).
final class LogStore: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let entries = Mutex<[Entry]>([])

    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    var all: [Entry] { entries.withLock { $0 } }

    func messages(_ message: String) -> [Entry] { all.filter { $0.message == message } }
}

struct CapturingLogHandler: LogHandler {
    let store: LogStore
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = "\(value)"
        }
        store.append(LogStore.Entry(level: event.level, message: event.message.description, metadata: fields))
    }
}

/// Waits until `condition` holds, checking every 5 ms, for at most `timeout`; returns whether it held.
func waitUntil(timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: .milliseconds(5))
    }
    return true
}

/// A counter shared with handlers.
final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

/// A gate handlers wait at until the test opens it, so a test decides exactly when an in-flight
/// request finishes (instead of a sleep that a busy machine can outlast).
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Suspends until ``open()`` (returns at once if it already was).
    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Lets every waiter, present and future, through.
    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
