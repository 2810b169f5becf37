import GreenroomCore
import Logging
import NIOCore
import NIOHTTP1

/// The task that serves one connection: reads requests in order, resolves the client, calls the
/// application's handler and writes the responses, until the client or the server closes. The
/// protocol work before it (PROXY header, decoding, limits, timeouts) happens on the event loop
/// in the channel's handlers.
struct ConnectionTask: Sendable {
    let context: ConnectionContext

    func serve(_ channel: any Channel) async {
        // A channel without a remote address (never for an accepted socket) is a nameless unix peer.
        let socketPeer = Peer(channel.remoteAddress) ?? .unix(path: nil)
        // Whatever ends the loop, the connection closes with it.
        defer { channel.close(promise: nil) }
        do {
            let bridge = try await HTTPServer.makeConnection(channel)
            let reader = InboundReader(bridge: bridge)
            let sink = ResponseSink(
                outbound: bridge,
                allocator: channel.allocator,
                serverName: context.settings.configuration.serverName
            )
            // Replaced by what the PROXY protocol handler found, when there is one.
            var peer = ConnectionPeer(socketPeer: socketPeer)
            while let part = try await reader.next() {
                switch part {
                case .peer(let connectionPeer):
                    peer = connectionPeer
                case .body, .end:
                    continue
                case .failure(let failure):
                    let outcome = try await sink.sendError(failure.status)
                    context.metrics?.recordResponse(status: Int(outcome.status.code), nanoseconds: nil)
                    try await channel.closeFuture.get()
                    return
                case .head(let head):
                    let closes = try await respond(to: head, peer: peer, reader: reader, sink: sink)
                    if closes {
                        try await channel.closeFuture.get()
                        return
                    }
                }
            }
        } catch {
            context.logger.debug(
                "connection ended with an error",
                metadata: ["greenroom.peer": "\(socketPeer)", "greenroom.error": "\(error)"]
            )
        }
    }

    /// Handles one request; returns `true` when the connection closes after it.
    private func respond(
        to head: HTTPRequestHead,
        peer: ConnectionPeer,
        reader: InboundReader,
        sink: ResponseSink
    ) async throws -> Bool {
        let start = NIODeadline.now()
        var head = head
        // Trust is decided once, by the resolver: an untrusted peer's forwarding headers are then
        // removed, so the application cannot read a client's claims about itself.
        // One snapshot for the whole request: a reload meanwhile applies from the next one.
        let settings = context.settings
        let client = settings.resolver.resolve(peer, headers: head.headers)
        context.metrics?.recordDecision(client)
        if client.decision == .peerUntrusted { settings.sanitizer.sanitize(&head.headers) }

        var expectContinue = false
        var refusal: HTTPResponseStatus?
        if let expect = head.headers.first(name: "expect") {
            if expect.lowercased() == "100-continue" && head.version != .http1_0 && head.version.major == 1 {
                expectContinue = true
            } else {
                refusal = .expectationFailed
            }
        }
        let body = reader.beginRequest(expectContinue: expectContinue)
        let request = Request(head: head, body: body, client: client)
        var keepAlive = head.isKeepAlive

        var response: Response
        if let refusal {
            response = .text(refusal.reasonPhrase + "\n", status: refusal)
            keepAlive = false
        } else {
            do {
                response = try await Request.$current.withValue(request) {
                    try await context.handler.handle(request)
                }
            } catch {
                response = errorResponse(for: error, reader: reader, request: request)
            }
        }
        if reader.bodyFailure != nil || context.isQuiescing { keepAlive = false }
        if case .reading(let waitsForContinue) = reader.bodyState, waitsForContinue && !reader.sentContinue {
            keepAlive = false
        }

        var outcome: ResponseSink.Outcome
        do {
            outcome = try await sink.send(response, method: head.method, version: head.version, keepAlive: keepAlive)
        } catch let error as ResponseEncoder.InvalidHeader {
            context.logger.error("invalid response header", metadata: ["greenroom.error": "\(error)"])
            outcome = try await sink.sendError(.internalServerError)
        }
        settings.accessLog.record(
            client: client,
            method: head.method,
            path: request.path,
            status: outcome.status,
            bytes: outcome.bytes,
            start: start
        )
        if let metrics = context.metrics {
            metrics.recordResponse(
                status: Int(outcome.status.code),
                nanoseconds: (NIODeadline.now() - start).nanoseconds
            )
        }
        if outcome.closes { return true }
        if try await !reader.finishBody() { throw HTTPServerError.connectionClosed }
        return false
    }

    private func errorResponse(for error: any Error, reader: InboundReader, request: Request) -> Response {
        // The client stopped sending the body the handler was reading, whatever it threw then.
        if reader.bodyFailure == .bodyTimeout { return .text("Request Timeout\n", status: .requestTimeout) }
        switch error as? HTTPServerError ?? reader.bodyFailure.map({ _ in .malformedBody }) {
        case .bodyTooLarge:
            return .text("Payload Too Large\n", status: .payloadTooLarge)
        case .malformedBody:
            return .text("Bad Request\n", status: .badRequest)
        default:
            if reader.bodyFailure == .bodyTooLarge { return .text("Payload Too Large\n", status: .payloadTooLarge) }
            context.logger.error(
                "handler failed",
                metadata: [
                    "greenroom.error": "\(error)", "http.method": "\(request.method.rawValue)",
                    "http.path": "\(request.path)",
                ]
            )
            return .text("Internal Server Error\n", status: .internalServerError)
        }
    }
}
