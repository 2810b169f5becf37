import GreenroomCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import GreenroomServer

#if canImport(Glibc)
import Glibc
#endif

/// Concurrency, back-pressure, graceful shutdown, logging.
@Suite struct ServerLifecycleTests {
    @Test func aThousandConcurrentConnectionsAreServed() async throws {
        try await TestServer.with { server in
            let clients = 1000
            let served = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<clients {
                    group.addTask {
                        let client = try await server.connect()
                        try await client.send("GET /healthz?i=\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
                        let response = try await client.readResponse(timeout: .seconds(20))
                        await client.close()
                        return response?.body == "ok" ? 1 : 0
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(served == clients)
        }
    }

    @Test func connectionLimitStopsAcceptingUntilAConnectionCloses() async throws {
        var configuration = TestServer.configuration()
        configuration.maxConnections = 2
        try await TestServer.with(configuration) { server in
            var open: [TestClient] = []
            for _ in 0..<2 {
                let client = try await server.connect()
                try await client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await client.readResponse()?.status == 200)
                open.append(client)
            }
            // The third connection waits in the backlog: no 503, no answer yet.
            let waiting = try await server.connect()
            try await waiting.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            await #expect(throws: TestClient.Timeout.self) {
                try await waiting.readResponse(timeout: .milliseconds(300))
            }
            await open[0].close()
            #expect(try await waiting.readResponse(timeout: .seconds(5))?.body == "ok")
            await open[1].close()
            await waiting.close()
        }
    }

    @Test func gracefulShutdownFinishesTheInFlightResponse() async throws {
        let started = Counter()
        let gate = Gate()
        let handler = ClosureHandler { request in
            started.increment()
            // The second request is held until shutdown has begun.
            if request.path == "/held" { await gate.wait() }
            return .text("finished")
        }
        try await TestServer.with(handler: handler) { server in
            let busy = try await server.connect()
            let idle = try await server.connect()
            try await idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await idle.readResponse()?.body == "finished")

            try await busy.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await waitUntil { started.count == 2 })
            server.server.shutdownGracefully()
            gate.open()
            let response = try #require(try await busy.readResponse())
            #expect(response.body == "finished")
            #expect(response.header("connection") == "close")
            #expect(await busy.closesWithin(.seconds(3)))
            // The idle keep-alive connection is closed at once.
            #expect(await idle.closesWithin(.seconds(3)))
            // And nobody new gets in.
            await #expect(throws: (any Error).self) {
                let late = try await server.connect()
                try await late.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                _ = try await late.readResponse(timeout: .seconds(1))
                if late.isClosed { throw TestClient.Timeout() }
            }
        }
    }

    @Test func connectionsArrivingDuringShutdownAreClosedCleanly() async throws {
        // Connections accepted while the listener closes must neither crash nor hang the server.
        try await TestServer.with { server in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        guard let client = try? await server.connect() else { return }
                        try? await client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                        let response = try? await client.readResponse(timeout: .seconds(5))
                        if let response { #expect(response.body == "ok") }
                        await client.close()
                    }
                    if index == 150 { server.server.shutdownGracefully() }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func shutdownDeadlineClosesRequestsThatTakeTooLong() async throws {
        var configuration = TestServer.configuration()
        configuration.shutdownTimeout = .milliseconds(200)
        let started = Counter()
        let handler = ClosureHandler { _ in
            started.increment()
            try await Task.sleep(for: .seconds(30))
            return .text("too late")
        }
        let start = ContinuousClock.now
        try await TestServer.with(configuration, handler: handler) { server in
            let client = try await server.connect()
            try await client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            // Shut down once the request is in the handler: the deadline is what must end it.
            #expect(try await waitUntil { started.count == 1 })
            server.server.shutdownGracefully()
            #expect(await client.closesWithin(.seconds(5)))
        }
        // The handler sleeps 30 s: finishing well before that shows the deadline closed it.
        #expect(ContinuousClock.now - start < .seconds(25))
    }

    @Test func accessLogHasTheRealClientAndHowItWasFound() async throws {
        try await TestServer.with { server in
            let response = try await server.request(
                "GET /whoami?secret=1 HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n"
            )
            #expect(response?.status == 200)
            // The line is logged once the response is written, which may be after the client read it.
            #expect(try await waitUntil { !server.logs.messages("request").isEmpty })
            let entry = try #require(server.logs.messages("request").first)
            #expect(entry.metadata["greenroom.client"] == "198.51.100.7")
            #expect(entry.metadata["greenroom.via"] == "x-forwarded-for")
            #expect(entry.metadata["greenroom.peer"] == "127.0.0.1")
            #expect(entry.metadata["http.method"] == "GET")
            #expect(entry.metadata["http.path"] == "/whoami")
            #expect(entry.metadata["http.status"] == "200")
            #expect(entry.metadata["http.bytes"] == response.map { String($0.body.utf8.count) })
            #expect(entry.metadata["greenroom.duration_us"].flatMap(Int.init) != nil)
        }
    }

    /// Collects what an access log writer receives.
    final class RecordingWriter: AccessLogWriter {
        private let storage = Mutex<[AccessRecord]>([])
        func write(_ record: AccessRecord) { storage.withLock { $0.append(record) } }
        var records: [AccessRecord] { storage.withLock { $0 } }
    }

    @Test func anAccessLogWriterGetsTheRecordsInsteadOfTheLogger() async throws {
        let writer = RecordingWriter()
        try await TestServer.with(accessLogWriter: writer) { server in
            let response = try await server.request(
                "GET /whoami?secret=1 HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n"
            )
            #expect(response?.status == 200)
            #expect(try await waitUntil { !writer.records.isEmpty })
            let record = try #require(writer.records.first)
            #expect(record.client.address?.description == "198.51.100.7")
            #expect(record.client.via == .xForwardedFor)
            #expect(record.client.peer.address?.description == "127.0.0.1")
            #expect(record.method == .GET && record.path == "/whoami" && record.status == .ok)
            #expect(record.bytes == response?.body.utf8.count)
            #expect(record.durationMicroseconds >= 0)
            #expect(server.logs.messages("request").isEmpty)
        }
    }

    @Test func accessLogCanBeTurnedOff() async throws {
        var configuration = TestServer.configuration()
        configuration.accessLog = false
        try await TestServer.with(configuration) { server in
            let response = try await server.request("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(response?.status == 200)
            #expect(server.logs.messages("request").isEmpty)
        }
    }

    @Test func requestCurrentIsTheRequestBeingHandled() async throws {
        let handler = ClosureHandler { request in
            let inChild = await Task { Request.current?.uri }.value
            return .text("\(Request.current?.uri ?? "none") \(inChild ?? "none")")
        }
        try await TestServer.with(handler: handler) { server in
            let response = try await server.request("GET /a?b HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(response?.body == "/a?b /a?b")
        }
        #expect(Request.current == nil)
    }

    @Test func handlerErrorGets500AndTheConnectionStaysUsable() async throws {
        struct Broken: Error {}
        let handler = ClosureHandler { request in
            if request.path == "/broken" { throw Broken() }
            return .text("fine")
        }
        try await TestServer.with(handler: handler) { server in
            let client = try await server.connect()
            try await client.send("GET /broken HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.status == 500)
            try await client.send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.body == "fine")
            #expect(server.logs.messages("handler failed").count == 1)
            await client.close()
        }
    }

    @Test func invalidResponseHeaderIsNeverSent() async throws {
        let handler = ClosureHandler { _ in
            Response(headers: ["x-injected": "a\r\nSet-Cookie: evil=1"], body: ResponseBody(string: "x"))
        }
        try await TestServer.with(handler: handler) { server in
            let everything = try await server.connect()
            try await everything.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try #require(try await everything.readResponse())
            #expect(response.status == 500)
            #expect(response.header("set-cookie") == nil)
            await everything.close()
        }
    }

    @Test func blockingWorkRunsOffTheEventLoops() async throws {
        let handler = ClosureHandler { _ in
            let answer = try await BlockingPool.run { () -> Int in
                usleep(10_000)
                return 42
            }
            return .text("\(answer)")
        }
        try await TestServer.with(handler: handler) { server in
            let response = try await server.request("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(response?.body == "42")
        }
    }

    @Test func bindingAnAddressInUseFailsWithAClearMessage() async throws {
        try await TestServer.with { server in
            guard case .tcp(_, let port) = server.bound else { return }
            let second = HTTPServer(
                configuration: TestServer.configuration(.tcp(host: "127.0.0.1", port: port)),
                logger: .init(label: "second"),
                handler: BuiltInApp()
            )
            await #expect {
                try await second.run()
            } throws: { error in
                "\(error)".contains("already in use")
            }
        }
    }
}
