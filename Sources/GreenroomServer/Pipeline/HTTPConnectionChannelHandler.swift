import NIOCore
import NIOHTTP1

/// Sits between NIO's HTTP/1 decoder and the connection's task, on the event loop, and carries
/// out what its ``HTTPConnectionStateMachine`` decides: passes request parts on, fails in-band,
/// closes (after a flush, lingering), and keeps the machine's timers.
///
/// Keeping this work in a channel handler means a slow or hostile client costs a timer and a few
/// bytes of state, never a task hop.
final class HTTPConnectionChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = RequestPart
    typealias OutboundIn = ResponseWrite
    typealias OutboundOut = ByteBuffer

    private var machine: HTTPConnectionStateMachine
    /// Shared with the ``HeadLimitHandler`` before the decoder, which cuts the input at heads.
    private let framing: DecodedFraming
    /// Whether the server is shutting down: a connection accepted meanwhile may have missed the
    /// quiesce event (it was fired before this handler was in its pipeline).
    private let shuttingDown: @Sendable () -> Bool
    /// The timer for the machine's ``HTTPConnectionStateMachine/deadline``, never later than it:
    /// moving the deadline later costs nothing, the timer re-arms itself when it fires early.
    private var scheduled: Scheduled<Void>?
    private var scheduledFor: NIODeadline = .distantFuture
    /// The timer for ``HTTPConnectionStateMachine/stallDeadline``.
    private var stalled: Scheduled<Void>?

    init(
        limits: HTTPConnectionStateMachine.Limits,
        framing: DecodedFraming = DecodedFraming(),
        shuttingDown: @escaping @Sendable () -> Bool = { false }
    ) {
        self.machine = HTTPConnectionStateMachine(limits: limits)
        self.framing = framing
        self.shuttingDown = shuttingDown
    }

    /// A connection accepted while the server shuts down gets its pipeline after the quiesce
    /// event was sent: it quiesces now, and its grace timer also closes it if the listener,
    /// closing, drops it before any task serves it.
    func handlerAdded(context: ChannelHandlerContext) {
        machine.handlerAdded(shuttingDown: shuttingDown(), now: context.eventLoop.now)
        syncTimer(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        machine.channelInactive()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        switch machine.writabilityChanged(isWritable: context.channel.isWritable, now: context.eventLoop.now) {
        case .none:
            break
        case .cancel:
            stalled?.cancel()
            stalled = nil
        case .schedule(let deadline):
            stalled = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
                self.stalled = nil
                self.close(machine.stallTimerFired(), context: context)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let action = machine.channelRead(unwrapInboundIn(data), now: context.eventLoop.now)
        run(action, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        let forward = machine.channelReadComplete(now: context.eventLoop.now)
        syncTimer(context: context)
        if forward { context.fireChannelReadComplete() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let failure: HTTPConnectionStateMachine.DecodingFailure
        switch error {
        case HTTPParserError.headerOverflow, HeadBytesScanner.Refusal.tooLarge:
            failure = .headTooLarge
        case HTTPParserError.invalidVersion:
            failure = .versionNotSupported
        case HeadBytesScanner.Refusal.bareLineFeed, is HTTPParserError, is ByteToMessageDecoderError:
            failure = .malformed
        default:
            context.fireErrorCaught(error)
            return
        }
        run(machine.decodingFailed(failure), context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let peer as ConnectionPeer:
            run(machine.connectionPeer(peer), context: context)
        case ChannelEvent.inputClosed:
            let action = machine.inputClosed(now: context.eventLoop.now)
            syncTimer(context: context)
            switch action {
            case .none: break
            case .forward: context.fireUserInboundEventTriggered(event)
            case .close: context.close(promise: nil)
            }
        case is ChannelShouldQuiesceEvent:
            if machine.quiesce(now: context.eventLoop.now) {
                context.close(promise: nil)
            } else {
                syncTimer(context: context)
            }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        let action = machine.read(now: context.eventLoop.now, shuttingDown: shuttingDown())
        syncTimer(context: context)
        // What arrived before the task read, in order, then the end of input.
        for part in action.replay { context.fireChannelRead(wrapInboundOut(part)) }
        if !action.replay.isEmpty { context.fireChannelReadComplete() }
        if action.replayInputClosed { context.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        switch action.then {
        case .read: context.read()
        case .ignore: break
        case .close: context.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let write = unwrapOutboundIn(data)
        let action = machine.write(write.kind, now: context.eventLoop.now)
        switch action {
        case .write:
            context.write(wrapOutboundOut(write.bytes), promise: promise)
            syncTimer(context: context)
        case .writeThenCloseAfterFlush:
            context.write(wrapOutboundOut(write.bytes), promise: promise)
            closeAfterFlush(context: context)
        case .writeThenCloseWhenWritten:
            let written = context.eventLoop.makePromise(of: Void.self)
            if let promise { written.futureResult.cascade(to: promise) }
            context.write(wrapOutboundOut(write.bytes), promise: written)
            closeAfter(written.futureResult, context: context)
        }
    }

    // MARK: Carrying out actions

    private func run(_ action: HTTPConnectionStateMachine.InboundAction, context: ChannelHandlerContext) {
        if let state = action.framing { framing.state = state }
        syncTimer(context: context)
        if let part = action.deliver { context.fireChannelRead(wrapInboundOut(part)) }
        if action.completeRead { context.fireChannelReadComplete() }
        if let close = action.close { self.close(close, context: context) }
    }

    private func close(_ close: HTTPConnectionStateMachine.Close, context: ChannelHandlerContext) {
        switch close {
        case .now: context.close(promise: nil)
        case .afterFlush: closeAfterFlush(context: context)
        }
    }

    private func closeAfterFlush(context: ChannelHandlerContext) {
        let flushed = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: flushed)
        closeAfter(flushed.futureResult, context: context)
    }

    private func closeAfter(_ future: EventLoopFuture<Void>, context: ChannelHandlerContext) {
        guard machine.startClosing(now: context.eventLoop.now) else { return }
        syncTimer(context: context)
        future.assumeIsolated().whenComplete { [self] result in
            let succeeded: Bool
            if case .success = result { succeeded = context.channel.isActive } else { succeeded = false }
            switch machine.flushedBeforeClose(succeeded: succeeded, now: context.eventLoop.now) {
            case .close:
                context.close(promise: nil)
            case .linger:
                syncTimer(context: context)
                let halfClosed = context.eventLoop.makePromise(of: Void.self)
                halfClosed.futureResult.assumeIsolated().whenFailure { _ in context.close(promise: nil) }
                context.close(mode: .output, promise: halfClosed)
                context.read()
            }
        }
    }

    // MARK: Timers

    /// Schedules the timer when the machine's deadline is earlier than the one scheduled.
    private func syncTimer(context: ChannelHandlerContext) {
        guard let deadline = machine.deadline, scheduled == nil || deadline < scheduledFor else { return }
        scheduled?.cancel()
        scheduledFor = deadline
        scheduled = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            self.scheduled = nil
            self.run(self.machine.timerFired(now: context.eventLoop.now), context: context)
        }
    }

    private func cancelTimers() {
        scheduled?.cancel()
        scheduled = nil
        stalled?.cancel()
        stalled = nil
    }
}

@available(*, unavailable)
extension HTTPConnectionChannelHandler: Sendable {}
