#if Vapor
import GreenroomServer
import NIOCore
import Synchronization
import Vapor

/// `Vapor.Response.BodyStream`'s fields, in order.
private struct BodyStreamLayout {
    let count: Int
    let callback: @Sendable (any BodyStreamWriter) -> Void
}

/// `Vapor.Response.AsyncBodyStream`'s fields, in order.
private struct AsyncBodyStreamLayout {
    let count: Int
    let callback: @Sendable (any AsyncBodyStreamWriter) async throws -> Void
}

/// A streamed Vapor response body, taken out of `Response.Body` so Greenroom's server can send it
/// as the route writes it instead of gathering it in memory first (`Response.Body.collect(on:)`
/// would hold a whole download, and never completes for a stream that fails).
///
/// `Response.Body` keeps its stream in internal storage (`.stream` for `Body(stream:)`,
/// `.asyncStream` for `Body(asyncStream:)` and `Body(managedAsyncStream:)`), each a count and a
/// callback of a public writer type. It is read by reflection and copied into a struct of the same
/// fields; a test pins the layout of the Vapor version this package depends on, and a body that
/// does not match is collected as before.
enum VaporBodyStream {
    /// `Body(stream:)`: a callback that writes through promises.
    case callback(count: Int, @Sendable (any BodyStreamWriter) -> Void)
    /// `Body(asyncStream:)`: an async callback.
    case async(count: Int, @Sendable (any AsyncBodyStreamWriter) async throws -> Void)

    init?(_ body: Vapor.Response.Body) {
        guard let storage = Mirror(reflecting: body).children.first(where: { $0.label == "storage" })?.value,
            let choice = Mirror(reflecting: storage).children.first
        else { return nil }
        // Swift cannot cast a closure that Mirror hands out (it crashes calling it), so the
        // payload struct is copied whole into a struct of the same fields, after checking that
        // its name, fields and size are the ones this layout copies.
        switch choice.label {
        case "stream":
            guard let stream = Self.copy(choice.value, as: BodyStreamLayout.self, named: "Vapor.Response.BodyStream")
            else { return nil }
            self = .callback(count: stream.count, stream.callback)
        case "asyncStream":
            guard
                let stream = Self.copy(
                    choice.value,
                    as: AsyncBodyStreamLayout.self,
                    named: "Vapor.Response.AsyncBodyStream"
                )
            else { return nil }
            self = .async(count: stream.count, stream.callback)
        default:
            return nil
        }
    }

    /// `payload` as `Layout`, when it is the Vapor type `named` with fields `count` then `callback`
    /// and `Layout`'s size; `nil` otherwise.
    private static func copy<Payload, Layout>(_ payload: Payload, as: Layout.Type, named name: String) -> Layout? {
        guard String(reflecting: Payload.self) == name,
            Mirror(reflecting: payload).children.map(\.label) == ["count", "callback"],
            MemoryLayout<Payload>.size == MemoryLayout<Layout>.size,
            MemoryLayout<Payload>.alignment == MemoryLayout<Layout>.alignment
        else { return nil }
        return withUnsafeBytes(of: payload) { $0.load(as: Layout.self) }
    }

    /// The body for Greenroom's server: the route's writes go to the connection as they come,
    /// each awaited (the route's next write waits for the previous one: backpressure), with the
    /// length the route declared or chunked encoding. A stream that fails after its first byte
    /// aborts the connection, so the client sees a cut response.
    func responseBody(on eventLoop: any EventLoop) -> ResponseBody {
        switch self {
        case .async(let count, let callback):
            return .stream(length: count >= 0 ? count : nil) { writer in
                let bridge = AsyncWriterBridge(writer: writer)
                try await callback(bridge)
                try bridge.finish()
            }
        case .callback(let count, let callback):
            return .stream(length: count >= 0 ? count : nil) { writer in
                let (results, continuation) = AsyncStream.makeStream(of: CallbackWriterBridge.Write.self)
                let bridge = CallbackWriterBridge(eventLoop: eventLoop, continuation: continuation)
                eventLoop.execute { callback(bridge) }
                try await bridge.forward(results, to: writer)
            }
        }
    }
}

/// Vapor's async writer over Greenroom's: buffers are written as they come; `.error` fails the
/// body; `.end` ends it (the callback returning ends it too), and later buffers are dropped.
private final class AsyncWriterBridge: AsyncBodyStreamWriter {
    private let writer: ResponseBodyWriter
    private let failure = Mutex<(any Error)?>(nil)
    private let ended = Atomic<Bool>(false)

    init(writer: ResponseBodyWriter) { self.writer = writer }

    func write(_ result: BodyStreamResult) async throws {
        switch result {
        case .buffer(let buffer):
            if let error = failure.withLock({ $0 }) { throw error }
            // Bytes written after `.end` are not part of the body (Vapor's rule): dropped.
            guard !ended.load(ordering: .acquiring) else { return }
            try await writer.write(buffer)
        case .error(let error):
            failure.withLock { $0 = $0 ?? error }
            throw error
        case .end:
            ended.store(true, ordering: .releasing)
        }
    }

    /// Throws the error the route wrote, if it wrote one and then returned normally.
    func finish() throws {
        if let error = failure.withLock({ $0 }) { throw error }
    }
}

/// Vapor's promise-based writer over Greenroom's: each write is queued in order and its promise
/// completes once the connection took it, so a route that waits for its promises is paced by the
/// client.
private final class CallbackWriterBridge: BodyStreamWriter {
    struct Write: Sendable {
        let result: BodyStreamResult
        let promise: EventLoopPromise<Void>?
    }

    let eventLoop: any EventLoop
    private let continuation: AsyncStream<Write>.Continuation

    init(eventLoop: any EventLoop, continuation: AsyncStream<Write>.Continuation) {
        self.eventLoop = eventLoop
        self.continuation = continuation
    }

    func write(_ result: BodyStreamResult, promise: EventLoopPromise<Void>?) {
        if case .terminated = continuation.yield(Write(result: result, promise: promise)) {
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    /// Sends the queued writes until `.end`; fails every promise still queued when it stops, and
    /// throws when the route wrote `.error`, the connection failed, or the task was cancelled.
    func forward(_ writes: AsyncStream<Write>, to writer: ResponseBodyWriter) async throws {
        var pending = writes.makeAsyncIterator()
        var failure: (any Error)? = CancellationError()
        sending: while let write = await pending.next() {
            switch write.result {
            case .buffer(let buffer):
                do {
                    try await writer.write(buffer)
                    write.promise?.succeed(())
                } catch {
                    write.promise?.fail(error)
                    failure = error
                    break sending
                }
            case .error(let error):
                write.promise?.fail(error)
                failure = error
                break sending
            case .end:
                write.promise?.succeed(())
                failure = nil
                break sending
            }
        }
        continuation.finish()
        while let left = await pending.next() { left.promise?.fail(failure ?? ChannelError.ioOnClosedChannel) }
        if let failure { throw failure }
    }
}
#endif
