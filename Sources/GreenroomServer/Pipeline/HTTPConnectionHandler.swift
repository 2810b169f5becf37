import GreenroomCore
import NIOCore
import NIOHTTP1

/// Sits between NIO's HTTP/1 decoder and the connection's task, on the event loop: refuses heads
/// that break RFC 9112's `Host` and transfer-coding rules, enforces the body limit and the
/// header/body/idle timeouts, bounds the drain of a body the application left unread, turns
/// decoder errors into in-band failures, closes after a final response is written, and
/// quiesces on graceful shutdown.
///
/// Keeping this work in a channel handler means a slow or hostile client costs a timer and a few
/// bytes of state, never a task hop.
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = RequestPart
    typealias OutboundIn = ResponseWrite
    typealias OutboundOut = ByteBuffer

    /// The limits this handler enforces.
    struct Limits {
        var maxBodyBytes: Int
        var headerTimeout: TimeAmount
        var idleTimeout: TimeAmount
        /// How long a client may send nothing while a body it announced is being read.
        var bodyTimeout: TimeAmount
        /// The most bytes of a body the application left unread that are read and dropped after
        /// its response, within the header timeout, before the connection closes instead (the
        /// figure Go's net/http uses).
        var maxDrainBytes = 256 * 1024
    }

    /// Where the connection stands in reading requests.
    ///
    /// Transitions: `waiting` → `readingHead` (bytes without a head) → `readingBody` (head) →
    /// `waiting` (end); `waiting` → `readingBody` when a whole head arrives in one read;
    /// `readingHead` → `waiting` when the input ends (no head can follow); any state → `failed`
    /// (a failure was sent in-band; nothing more is read).
    private enum ReadState {
        case waiting(firstRequest: Bool)
        case readingHead
        case readingBody(received: Int)
        case failed
    }

    /// What the armed timer does when it expires.
    private enum TimerAction {
        /// No request bytes yet: close without a response.
        case closeSilently
        /// A head started but did not finish: answer 408.
        case headerTimeout
        /// The client sent none of a body it announced for the body timeout: answer 408, or
        /// close once the response is out (the drain ran out of time).
        case bodyTimeout
        /// A final response is being written before closing: close even if it is not written.
        case forceClose
    }

    private let limits: Limits
    /// Shared with the ``HeadLimitHandler`` before the decoder, which cuts the input at heads.
    private let framing: DecodedFraming
    private var state: ReadState = .waiting(firstRequest: true)
    /// Request heads passed on minus responses finished.
    private var pendingResponses = 0
    private var partsInThisRead = false
    private var quiescing = false
    private var closing = false
    /// The final response is out and the write side is shut; input is read and discarded until
    /// the client closes (or the linger timer fires), so the response is not lost to a reset.
    private var lingering = false
    /// How long the lingering close drains: the header timeout, or for a client that already
    /// stopped sending its body, no longer than the body timeout.
    private var lingerTimeout: TimeAmount
    /// The client shut its sending side: nothing more will arrive.
    private var inputEnded = false

    /// A read was asked of the channel and its data has not all arrived: only then can a client
    /// be blamed for not sending. The connection's task pauses reading (back-pressure) while
    /// its handler is slow to read the body, which is not the client's fault.
    private var readOutstanding = false
    /// The body timer expired while reading was paused: it restarts when reading does.
    private var bodyTimerPaused = false
    /// The request asked for `100 Continue` that has not been sent: the client may wait for it.
    private var awaitingContinue = false
    /// While the rest of a body whose response is out is drained: when the drain must end, and
    /// how many bytes it dropped.
    private var drainDeadline: NIODeadline?
    private var drained = 0
    // A lazy timer: moving the deadline costs a clock read; the scheduled task re-arms itself.
    private var deadline: NIODeadline?
    private var timerAction: TimerAction = .closeSilently
    private var scheduled: Scheduled<Void>?
    private var scheduledFor: NIODeadline = .distantFuture
    /// Runs while the client leaves written responses unread (the channel is not writable).
    private var stalled: Scheduled<Void>?

    /// Whether the server is shutting down: a connection accepted meanwhile may have missed the
    /// quiesce event (it was fired before this handler was in its pipeline).
    private let shuttingDown: @Sendable () -> Bool

    init(
        limits: Limits,
        framing: DecodedFraming = DecodedFraming(),
        shuttingDown: @escaping @Sendable () -> Bool = { false }
    ) {
        self.limits = limits
        self.lingerTimeout = limits.headerTimeout
        self.framing = framing
        self.shuttingDown = shuttingDown
    }

    /// The first request's clock starts with the first read: the connection's task turns
    /// reading on once it runs, and a busy server must not count its own delay against the client.
    private var readingStarted = false

    /// What arrived before the task started reading. NIO reads a socket whose peer half-closed
    /// (EPOLLRDHUP) to its end whether or not anyone asked to read, so a client that sends a
    /// request and shuts its write side before the connection's task runs is read before the
    /// task's async channel is in the pipeline: without this, its request would be lost and the
    /// connection left to time out with 408. Bounded by the decoder's and the body's limits and
    /// by ``maxEarlyParts``.
    private var early: [RequestPart] = []
    private var earlyInputClosed = false
    /// The most parts held before reading starts (a whole pipeline of requests sent with FIN).
    private static let maxEarlyParts = 1024

    /// A connection accepted while the server shuts down gets its pipeline after the quiesce
    /// event was sent, and the listener, closing, may drop it before any task serves it: close it
    /// at once unless a request already arrived.
    func handlerAdded(context: ChannelHandlerContext) {
        guard shuttingDown() else { return }
        quiescing = true
        context.eventLoop.assumeIsolated().execute { [self] in
            guard pendingResponses == 0, early.isEmpty, case .waiting = state else { return }
            state = .failed
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        scheduled?.cancel()
        scheduled = nil
        stalled?.cancel()
        stalled = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        scheduled?.cancel()
        scheduled = nil
        stalled?.cancel()
        stalled = nil
        deadline = nil
        context.fireChannelInactive()
    }

    /// A client that stops reading while responses wait to be written (a slow-read attack, or a
    /// pipeline it never reads) would hold its connection forever: it is closed once it has read
    /// nothing for the idle timeout, like nginx's `send_timeout`.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stalled?.cancel()
            stalled = nil
        } else if stalled == nil {
            stalled = context.eventLoop.assumeIsolated().scheduleTask(in: limits.idleTimeout) { [self] in
                self.stalled = nil
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if lingering { return }
        partsInThisRead = true
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard case .failed = state else {
                pendingResponses += 1
                deadline = nil
                let bodyFraming: RequestFraming
                switch head.verdict() {
                case .refused(let failure):
                    fail(failure, context: context)
                    return
                case .accepted(.length(let length)) where length > limits.maxBodyBytes:
                    fail(.bodyTooLarge, context: context)
                    return
                case .accepted(let accepted):
                    bodyFraming = accepted
                }
                framing.state = .head(bodyFraming)
                if bodyFraming != .length(0) {
                    awaitingContinue = head.headers.contains(name: "expect")
                }
                state = .readingBody(received: 0)
                deliver(.head(head), context: context)
                return
            }
        case .body(let buffer):
            guard case .readingBody(let received) = state else { return }
            let total = received + buffer.readableBytes
            if drainDeadline != nil {
                // The response is out: the bytes are dropped here, without a hop to the task.
                state = .readingBody(received: total)
                drained += buffer.readableBytes
                if drained > limits.maxDrainBytes || total > limits.maxBodyBytes { stopDraining(context: context) }
                return
            }
            if total > limits.maxBodyBytes {
                fail(.bodyTooLarge, context: context)
                return
            }
            state = .readingBody(received: total)
            deliver(.body(buffer), context: context)
        case .end:
            guard case .readingBody = state else { return }
            state = .waiting(firstRequest: false)
            framing.state = .ended
            awaitingContinue = false
            bodyTimerPaused = false
            drainDeadline = nil
            // The client owes nothing more (a closing connection keeps its forced close).
            if !closing { deadline = nil }
            deliver(.end, context: context)
            // The response went out before the body's end (the handler did not read it all).
            if pendingResponses == 0 {
                if quiescing { closeAfterFlush(context: context) } else { becameIdle(context: context) }
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Bytes arrived but produced no part: the start of a request head. Its clock starts now.
        if !partsInThisRead, case .waiting = state {
            state = .readingHead
            arm(.headerTimeout, in: limits.headerTimeout, context: context)
        } else if case .readingBody = state {
            // Whatever arrived, the client has the body timeout again to send more.
            armBodyTimer(context: context)
        }
        readOutstanding = false
        partsInThisRead = false
        if readingStarted { context.fireChannelReadComplete() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let failure: HTTPFailure
        switch error {
        case HTTPParserError.headerOverflow:
            if case .readingBody = state { failure = .badRequest } else { failure = .headerTooLarge }
        case HTTPParserError.invalidVersion:
            failure = .versionNotSupported
        case HeadBytesScanner.Refusal.tooLarge:
            if case .readingBody = state { failure = .badRequest } else { failure = .headerTooLarge }
        case HeadBytesScanner.Refusal.bareLineFeed:
            failure = .badRequest
        case is HTTPParserError, is ByteToMessageDecoderError:
            failure = .badRequest
        default:
            context.fireErrorCaught(error)
            return
        }
        if case .failed = state { return }
        fail(failure, context: context)
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let event as ProxyHeaderReceived:
            if let source = event.source {
                deliver(.proxied(source, tls: event.tls), context: context)
            }
        case ChannelEvent.inputClosed where lingering:
            context.close(promise: nil)
        case ChannelEvent.inputClosed:
            inputEnded = true
            // NIO reports the end of input with a read that produced nothing, which looked like the
            // start of a head; a head can no longer arrive, so no header clock may run for one.
            if case .readingHead = state {
                state = .waiting(firstRequest: false)
                deadline = nil
                if pendingResponses == 0 { becameIdle(context: context) }
            }
            if readingStarted {
                context.fireUserInboundEventTriggered(event)
            } else {
                earlyInputClosed = true
            }
        case is ChannelShouldQuiesceEvent:
            quiescing = true
            if pendingResponses == 0, case .waiting = state { context.close(promise: nil) }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        if !readingStarted {
            readingStarted = true
            if pendingResponses == 0, case .waiting = state {
                arm(.closeSilently, in: limits.headerTimeout, context: context)
            }
            replayEarlyInput(context: context)
            if shuttingDown() { quiescing = true }
            if quiescing, pendingResponses == 0, case .waiting = state {
                // Accepted during shutdown with no request yet: nothing is owed.
                state = .failed
                context.close(promise: nil)
                return
            }
        }
        if case .failed = state, !lingering { return }
        readOutstanding = true
        if bodyTimerPaused {
            bodyTimerPaused = false
            if case .readingBody = state { armBodyTimer(context: context) }
        }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let write = unwrapOutboundIn(data)
        switch write.kind {
        case .partial:
            context.write(wrapOutboundOut(write.bytes), promise: promise)
        case .informational:
            context.write(wrapOutboundOut(write.bytes), promise: promise)
            // The client was told to send its body: from now on its silence counts.
            if awaitingContinue {
                awaitingContinue = false
                armBodyTimer(context: context)
            }
        case .end:
            context.write(wrapOutboundOut(write.bytes), promise: promise)
            pendingResponses -= 1
            guard pendingResponses == 0 else { break }
            switch state {
            case .waiting:
                if quiescing { closeAfterFlush(context: context) } else { becameIdle(context: context) }
            case .readingBody:
                startDraining(context: context)
            case .readingHead, .failed:
                break
            }
        case .endThenClose:
            pendingResponses -= 1
            let written = context.eventLoop.makePromise(of: Void.self)
            if let promise { written.futureResult.cascade(to: promise) }
            context.write(wrapOutboundOut(write.bytes), promise: written)
            closeAfter(written.futureResult, context: context)
        }
    }

    // MARK: State changes

    /// Passes a part on to the task, or holds it until the task reads.
    private func deliver(_ part: RequestPart, context: ChannelHandlerContext) {
        guard readingStarted else {
            early.append(part)
            if early.count > Self.maxEarlyParts {
                state = .failed
                context.close(promise: nil)
            }
            return
        }
        context.fireChannelRead(wrapInboundOut(part))
    }

    /// Hands the task what arrived before it started reading, in order, then the end of input.
    private func replayEarlyInput(context: ChannelHandlerContext) {
        let parts = early
        early = []
        for part in parts { context.fireChannelRead(wrapInboundOut(part)) }
        if !parts.isEmpty { context.fireChannelReadComplete() }
        if earlyInputClosed {
            earlyInputClosed = false
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
    }

    private func fail(_ failure: HTTPFailure, context: ChannelHandlerContext) {
        state = .failed
        framing.state = .failed
        deadline = nil
        deliver(.failure(failure), context: context)
    }

    /// Arms the body timer from now, unless nothing is owed by the client yet (it may wait for
    /// `100 Continue`) or the connection is closing anyway. While draining, the drain's own
    /// deadline comes first.
    private func armBodyTimer(context: ChannelHandlerContext) {
        guard !closing, !awaitingContinue else { return }
        var deadline = context.eventLoop.now + limits.bodyTimeout
        if let drainDeadline, drainDeadline < deadline { deadline = drainDeadline }
        arm(.bodyTimeout, at: deadline, context: context)
    }

    /// The response went out before the body was all read (the application did not read it):
    /// the rest is read and dropped, at most ``Limits/maxDrainBytes`` within the header
    /// timeout, so the connection can serve the next request; past either it closes.
    private func startDraining(context: ChannelHandlerContext) {
        awaitingContinue = false
        drained = 0
        drainDeadline = context.eventLoop.now + limits.headerTimeout
        armBodyTimer(context: context)
    }

    /// The drain ran out of bytes or time: the response is out, so close without another.
    private func stopDraining(context: ChannelHandlerContext) {
        lingerTimeout = min(lingerTimeout, limits.bodyTimeout)
        state = .failed
        framing.state = .failed
        drainDeadline = nil
        deadline = nil
        closeAfterFlush(context: context)
    }

    private func becameIdle(context: ChannelHandlerContext) {
        arm(.closeSilently, in: limits.idleTimeout, context: context)
    }

    private func closeAfterFlush(context: ChannelHandlerContext) {
        let flushed = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: flushed)
        closeAfter(flushed.futureResult, context: context)
    }

    private func closeAfter(_ future: EventLoopFuture<Void>, context: ChannelHandlerContext) {
        guard !closing else { return }
        closing = true
        // A client that stops reading cannot keep the connection: close by force after the idle timeout.
        arm(.forceClose, in: limits.idleTimeout, context: context)
        future.assumeIsolated().whenComplete { [self] result in
            guard case .success = result, context.channel.isActive else {
                context.close(promise: nil)
                return
            }
            self.linger(context: context)
        }
    }

    /// Lingering close (like nginx's `lingering_close`): shut the write side so the client sees
    /// the end of the response, then drain its input for up to ``lingerTimeout``. Closing with
    /// unread input would reset the connection and could destroy the response the client has not
    /// read yet, e.g. a 413 or 408 sent while it was still sending.
    private func linger(context: ChannelHandlerContext) {
        if inputEnded {
            context.close(promise: nil)
            return
        }
        lingering = true
        state = .failed
        arm(.forceClose, in: lingerTimeout, context: context)
        let halfClosed = context.eventLoop.makePromise(of: Void.self)
        halfClosed.futureResult.assumeIsolated().whenFailure { _ in context.close(promise: nil) }
        context.close(mode: .output, promise: halfClosed)
        context.read()
    }

    private func arm(_ action: TimerAction, in amount: TimeAmount, context: ChannelHandlerContext) {
        arm(action, at: context.eventLoop.now + amount, context: context)
    }

    private func arm(_ action: TimerAction, at deadline: NIODeadline, context: ChannelHandlerContext) {
        self.deadline = deadline
        self.timerAction = action
        if scheduled == nil || deadline < scheduledFor { schedule(at: deadline, context: context) }
    }

    private func schedule(at deadline: NIODeadline, context: ChannelHandlerContext) {
        scheduled?.cancel()
        scheduledFor = deadline
        scheduled = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            self.scheduled = nil
            self.timerFired(context: context)
        }
    }

    private func timerFired(context: ChannelHandlerContext) {
        guard let deadline else { return }
        if deadline > context.eventLoop.now {
            schedule(at: deadline, context: context)
            return
        }
        self.deadline = nil
        switch timerAction {
        case .closeSilently:
            guard pendingResponses == 0, case .waiting = state else { return }
            state = .failed
            context.close(promise: nil)
        case .headerTimeout:
            guard case .readingHead = state else { return }
            fail(.headerTimeout, context: context)
            context.fireChannelReadComplete()
        case .bodyTimeout:
            guard case .readingBody = state, !closing, !awaitingContinue else { return }
            if drainDeadline != nil {
                stopDraining(context: context)
            } else if readOutstanding {
                lingerTimeout = min(lingerTimeout, limits.bodyTimeout)
                fail(.bodyTimeout, context: context)
                context.fireChannelReadComplete()
            } else {
                bodyTimerPaused = true
            }
        case .forceClose:
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension HTTPConnectionHandler: Sendable {}

/// Fired by the PROXY protocol handler once a trusted peer's header was read.
struct ProxyHeaderReceived: Sendable {
    /// The real source, or `nil` for `LOCAL`/`UNKNOWN` (keep the socket peer).
    var source: Peer?
    /// The client spoke TLS to the proxy (a v2 SSL TLV).
    var tls: Bool
}
