import NIOCore

/// The last handler of a connection's pipeline and the connection task's only way to it: hands
/// request parts to the task and writes its responses. It does the job of a `NIOAsyncChannel`,
/// specialised to Greenroom's two element types and to a task that runs on the channel's own
/// event loop (the server's default executor preference).
///
/// Every field is read and written on the event loop only. When the task runs there, a part that
/// already arrived is taken and a response written with no lock, no hop and no generic runtime
/// lookup: in a profile of `NIOAsyncChannel` serving `Hello, World!` those took about a tenth of
/// the server's CPU. When the task runs elsewhere (the `global` connection executor),
/// each call hops to the event loop, which is correct and slower.
///
/// Back pressure: reads are held while ``highWatermark`` parts wait and resumed when the task has
/// taken them down to ``lowWatermark``; a write that leaves the channel unwritable waits until it
/// drains. A closed channel ends reading (`nil`) and fails writing; a pipeline error is thrown by
/// the next read after the parts before it. The task never waits on the bridge after the channel
/// closes, so no cancellation handler is needed: server shutdown closes channels.
final class ConnectionBridge: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = RequestPart
    typealias OutboundIn = ResponseWrite
    typealias OutboundOut = ResponseWrite

    /// Reading stops while this many parts wait for the task.
    static let highWatermark = 16
    /// Held reading resumes once the task has left this many or fewer.
    static let lowWatermark = 2
    /// A task that finds this many requests in a row already waiting (pipelined) yields its event
    /// loop once, so that one client's pipeline cannot keep the loop from its other connections'
    /// reads and timers.
    static let requestsPerTurn = 8

    let eventLoop: any EventLoop

    private var context: ChannelHandlerContext?
    private var parts = CircularBuffer<RequestPart>(initialCapacity: 4)
    private var inputEnded = false
    private var closed = false
    private var failure: (any Error)?
    private var readHeld = false
    /// Requests in a row that were waiting when the task asked (no suspension in between).
    private var requestsThisTurn = 0
    private var reader: Waiter<RequestPart?>?
    private var writer: Waiter<Void>?

    /// A suspended task: a continuation when it waits on the loop, a promise when it waits elsewhere.
    private enum Waiter<Value: Sendable> {
        case continuation(UnsafeContinuation<Value, any Error>)
        case promise(EventLoopPromise<Value>)

        func resume(_ result: Result<Value, any Error>) {
            switch self {
            case .continuation(let continuation): continuation.resume(with: result)
            case .promise(let promise): promise.completeWith(result)
            }
        }
    }

    /// What the next read returns, once it is known.
    private enum Next {
        case part(RequestPart?)
        case wait
    }

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    // MARK: The task's side

    /// The next request part; `nil` once the input ended or the channel closed.
    func next() async throws -> RequestPart? {
        if eventLoop.inEventLoop {
            if case .part(let part) = try take() { return part }
            return try await withUnsafeThrowingContinuation { self.reader = .continuation($0) }
        }
        let promise = eventLoop.makePromise(of: RequestPart?.self)
        eventLoop.execute {
            do {
                if case .part(let part) = try self.take() {
                    promise.succeed(part)
                } else {
                    self.reader = .promise(promise)
                }
            } catch {
                promise.fail(error)
            }
        }
        return try await promise.futureResult.get()
    }

    /// The first part of the next request, for the connection loop: ``next()``, except that a
    /// task that finds ``requestsPerTurn`` requests in a row already waiting yields the loop once.
    func nextRequest() async throws -> RequestPart? {
        if eventLoop.inEventLoop, case .part(let part) = try take() {
            requestsThisTurn += 1
            if requestsThisTurn >= Self.requestsPerTurn {
                requestsThisTurn = 0
                await Task.yield()
            }
            return part
        }
        requestsThisTurn = 0
        return try await next()
    }

    /// Writes and flushes `first` and then `second`, if any; returns once the channel can take
    /// more (at once, unless the client reads slower than the server writes).
    func write(_ first: ResponseWrite, then second: ResponseWrite? = nil) async throws {
        if eventLoop.inEventLoop {
            guard try send(first, then: second) else { return }
            return try await withUnsafeThrowingContinuation { self.writer = .continuation($0) }
        }
        let promise = eventLoop.makePromise(of: Void.self)
        eventLoop.execute {
            do {
                if try self.send(first, then: second) {
                    self.writer = .promise(promise)
                } else {
                    promise.succeed(())
                }
            } catch {
                promise.fail(error)
            }
        }
        try await promise.futureResult.get()
    }

    /// On the loop: a part that is ready, the end, the error, or `.wait`.
    private func take() throws -> Next {
        if let part = parts.popFirst() {
            if readHeld && parts.count <= Self.lowWatermark, let context {
                readHeld = false
                context.read()
            }
            return .part(part)
        }
        if let failure { throw failure }
        if inputEnded || closed { return .part(nil) }
        return .wait
    }

    /// On the loop: writes and flushes; `true` when the caller must wait for writability.
    private func send(_ first: ResponseWrite, then second: ResponseWrite?) throws -> Bool {
        guard let context, !closed else { throw ChannelError.ioOnClosedChannel }
        context.write(wrapOutboundOut(first), promise: nil)
        if let second { context.write(wrapOutboundOut(second), promise: nil) }
        context.flush()
        // The flush may have closed the channel (a write error, `endThenClose`).
        if closed { return false }
        return !context.channel.isWritable
    }

    // MARK: The channel's side

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        end()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if let reader {
            self.reader = nil
            reader.resume(.success(part))
        } else {
            parts.append(part)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if failure == nil { failure = error }
        if let reader {
            self.reader = nil
            reader.resume(.failure(error))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent {
            inputEnded = true
            if let reader {
                self.reader = nil
                reader.resume(.success(nil))
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        end()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let writer {
            self.writer = nil
            writer.resume(.success(()))
        }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if parts.count >= Self.highWatermark {
            readHeld = true
        } else {
            context.read()
        }
    }

    /// The channel closed: a waiting read ends, a waiting write fails.
    private func end() {
        closed = true
        if let reader {
            self.reader = nil
            if let failure { reader.resume(.failure(failure)) } else { reader.resume(.success(nil)) }
        }
        if let writer {
            self.writer = nil
            writer.resume(.failure(ChannelError.ioOnClosedChannel))
        }
    }
}
