#if Vapor
import GreenroomCore
import GreenroomServer
@testable import GreenroomVapor
import NIOCore
import Testing
import Vapor

/// Greenroom's server sends a streamed Vapor response body as the route writes it, instead of
/// gathering it in memory first: a large download or a slow stream holds one chunk per
/// connection, not the whole body, and its first bytes reach the client while it is still written.
@Suite struct ResponseStreamingTests {
    /// A route that writes "first", waits for the test to see it, then writes "last".
    static func gatedRoutes(_ gate: AsyncStream<Void>, async: Bool) -> (Application) -> Void {
        let box = GateBox(gate)
        return { app in
            app.get("gated") { _ -> Vapor.Response in
                if async {
                    return Vapor.Response(
                        body: .init(asyncStream: { writer in
                            try await writer.writeBuffer(ByteBuffer(string: "first-"))
                            await box.wait()
                            try await writer.writeBuffer(ByteBuffer(string: "last"))
                            try await writer.write(.end)
                        })
                    )
                }
                return Vapor.Response(
                    body: .init(stream: { writer in
                        writer.write(.buffer(ByteBuffer(string: "first-"))).whenSuccess {
                            Task {
                                await box.wait()
                                writer.write(.buffer(ByteBuffer(string: "last"))).whenSuccess {
                                    writer.write(.end, promise: nil)
                                }
                            }
                        }
                    })
                )
            }
        }
    }

    @Test(arguments: [true, false])
    func theFirstChunkArrivesBeforeTheRouteFinishes(async: Bool) async throws {
        let (gate, open) = AsyncStream<Void>.makeStream()
        try await VaporTestApp.with(.provider, routes: Self.gatedRoutes(gate, async: async)) { app in
            let client = try await app.connect()
            try await client.send("GET /gated HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            // Collected, the head would only be sent after "last": this read would time out.
            let head = try await client.readResponse(toHead: true, timeout: .seconds(5))
            #expect(head?.status == 200)
            open.yield()
            let rest = try await client.readToClose()
            await client.close()
            #expect(rest.contains("first-"))
            #expect(rest.contains("last"))
        }
    }

    /// 8 MiB in 64 KiB pieces arrives whole, with the length the route declared.
    @Test func aLargeStreamWithAKnownLengthArrivesWhole() async throws {
        let chunk = 64 * 1024
        let chunks = 128
        var configuration = VaporTestApp.configuration()
        configuration.maxBodyBytes = 1024
        let routes: (Application) -> Void = { app in
            app.get("big") { _ in
                Vapor.Response(
                    body: .init(
                        asyncStream: { writer in
                            let piece = ByteBuffer(repeating: UInt8(ascii: "x"), count: chunk)
                            for _ in 0..<chunks { try await writer.writeBuffer(piece) }
                            try await writer.write(.end)
                        },
                        count: chunk * chunks
                    )
                )
            }
        }
        try await VaporTestApp.with(.provider, configuration, routes: routes) { app in
            let response = try #require(
                try await app.request("GET /big HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            )
            #expect(response.header("content-length") == "\(chunk * chunks)")
            #expect(response.body.utf8.count == chunk * chunks)
        }
    }

    /// What a route writes after `.end` is not part of the body (Vapor's rule): dropped.
    @Test func writesAfterTheEndAreDropped() async throws {
        let routes: (Application) -> Void = { app in
            app.get("late") { _ in
                Vapor.Response(
                    body: .init(asyncStream: { writer in
                        try await writer.writeBuffer(ByteBuffer(string: "body"))
                        try await writer.write(.end)
                        try await writer.writeBuffer(ByteBuffer(string: "-late"))
                    })
                )
            }
        }
        try await VaporTestApp.with(.provider, routes: routes) { app in
            let response = try await app.request("GET /late HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(response?.status == 200)
            #expect(response?.body == "body")
        }
    }

    /// A stream that fails after its first chunk cannot be answered with an error any more: the
    /// connection is closed, so the client sees a cut response, never a complete-looking one.
    @Test func aStreamThatFailsMidwayClosesTheConnection() async throws {
        struct Broken: Error {}
        let routes: (Application) -> Void = { app in
            app.get("broken") { _ in
                Vapor.Response(
                    body: .init(asyncStream: { writer in
                        try await writer.writeBuffer(ByteBuffer(string: "partial"))
                        throw Broken()
                    })
                )
            }
        }
        try await VaporTestApp.with(.provider, routes: routes) { app in
            let client = try await app.connect()
            try await client.send("GET /broken HTTP/1.1\r\nHost: t\r\n\r\n")
            let text = try await client.readToClose()
            await client.close()
            #expect(text.contains("partial"))
            #expect(!text.hasSuffix("0\r\n\r\n"), "a failed stream must not end like a complete chunked body")
        }
    }
}

/// The streamed bodies are read out of `Response.Body` by reflection: this pins the layout of the
/// Vapor version the package depends on (a new layout falls back to collecting, and fails here).
@Suite struct VaporBodyLayoutTests {
    @Test func everyStreamingBodyIsRecognised() {
        let bodies: [(String, Vapor.Response.Body, Int)] = [
            ("stream", .init(stream: { $0.write(.end, promise: nil) }, count: 5), 5),
            ("stream, no count", .init(stream: { $0.write(.end, promise: nil) }), -1),
            ("asyncStream", .init(asyncStream: { try await $0.write(.end) }, count: 7), 7),
            ("managedAsyncStream", .init(managedAsyncStream: { _ in }), -1),
        ]
        for (name, body, count) in bodies {
            switch VaporBodyStream(body) {
            case .callback(let found, _)?: #expect(found == count && name.hasPrefix("stream"), "\(name)")
            case .async(let found, _)?: #expect(found == count && !name.hasPrefix("stream"), "\(name)")
            case nil: Issue.record("\(name) was not recognised")
            }
        }
        #expect(VaporBodyStream(.init(string: "x")) == nil)
    }
}

/// Lets one route wait until the test opens the gate.
private struct GateBox: Sendable {
    let gate: AsyncStream<Void>
    init(_ gate: AsyncStream<Void>) { self.gate = gate }
    func wait() async {
        for await _ in gate { return }
    }
}
#endif
