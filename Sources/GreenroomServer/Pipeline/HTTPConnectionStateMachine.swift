import NIOCore
import NIOHTTP1

/// The protocol logic of one HTTP/1 connection, as a value that takes events and returns what to
/// do: refuse heads that break RFC 9112, enforce the body limit, run the header, body, idle and
/// unread-response timeouts, drain a body the application left unread, decide when to close and
/// when to linger, and quiesce on graceful shutdown.
///
/// It owns no channel and no timer. ``HTTPConnectionChannelHandler`` feeds it NIO's events with
/// the event loop's `now` and carries out the returned actions; it keeps one NIO timer that never
/// fires later than ``deadline`` (and one for ``stallDeadline``). Tests drive it with any `now`.
struct HTTPConnectionStateMachine {
    /// The limits the machine enforces.
    struct Limits: Sendable {
        var maxBodyBytes: Int
        var headerTimeout: TimeAmount
        var idleTimeout: TimeAmount
        /// How long a client may send nothing while a body it announced is being read.
        var bodyTimeout: TimeAmount
        /// The most bytes of a body the application left unread that are read and dropped after
        /// its response, within the header timeout, before the connection closes instead (the
        /// figure Go's net/http uses).
        var maxDrainBytes = 256 * 1024
        /// How long a connection that has not sent its first request head yet is waited for once
        /// graceful shutdown began: it may have been accepted the instant shutdown started, and
        /// its client, unlike one on a reused keep-alive connection, does not retry a reset.
        var shutdownGrace: TimeAmount = .seconds(1)
    }

    /// Where the connection stands in reading requests.
    ///
    /// Transitions: `waiting` → `readingHead` (bytes without a head) → `readingBody` (head) →
    /// `waiting` (end); `waiting` → `readingBody` when a whole head arrives in one read;
    /// `readingHead` → `waiting` when the input ends (no head can follow); any state → `failed`
    /// (a failure was sent in-band, or the connection is closing; nothing more is read).
    enum ReadState: Equatable {
        case waiting(firstRequest: Bool)
        case readingHead
        case readingBody(received: Int)
        case failed
    }

    /// What happens when ``deadline`` passes.
    enum Timeout: Equatable {
        /// No request is owed or under way (a new or idle connection): close without a response.
        case idle
        /// A head started but did not finish: answer 408.
        case header
        /// The client sent none of a body it announced for the body timeout: answer 408, or close
        /// once the response is out (the drain ran out of time).
        case body
        /// A final response is being written, or the connection lingers: close regardless.
        case forceClose
    }

    /// The most parts held before reading starts (a whole pipeline of requests sent with FIN).
    static let maxEarlyParts = 1024

    let limits: Limits
    private(set) var readState: ReadState = .waiting(firstRequest: true)
    /// When the armed ``timeout`` expires; `nil` when none is armed.
    private(set) var deadline: NIODeadline?
    private(set) var timeout: Timeout = .idle
    /// When a client that leaves written responses unread is cut off (like nginx's `send_timeout`).
    private(set) var stallDeadline: NIODeadline?

    /// Request heads passed on minus responses finished.
    private(set) var pendingResponses = 0
    private var partsInThisRead = false
    private(set) var quiescing = false
    /// A request head arrived on this connection (it is no longer fresh).
    private(set) var sawHead = false
    /// While shutting down, when a fresh connection stops being waited for: the idle and header
    /// timers never run past it.
    private(set) var graceDeadline: NIODeadline?
    private(set) var closing = false
    /// The final response is out and the write side is shut; input is read and dropped until the
    /// client closes or the linger deadline passes.
    private(set) var lingering = false
    /// How long the lingering close drains: the header timeout, or for a client that already
    /// stopped sending its body, no longer than the body timeout.
    private(set) var lingerTimeout: TimeAmount
    /// The client shut its sending side: nothing more will arrive.
    private var inputEnded = false
    /// A read was asked of the channel and its data has not all arrived: only then can a client
    /// be blamed for not sending. The connection's task pauses reading (back-pressure) while its
    /// handler is slow to read the body, which is not the client's fault.
    private var readOutstanding = false
    /// The body timer expired while reading was paused: it restarts when reading does.
    private(set) var bodyTimerPaused = false
    /// The request asked for `100 Continue` that has not been sent: the client may wait for it.
    private(set) var awaitingContinue = false
    /// While the rest of a body whose response is out is drained: when the drain must end, and
    /// how many bytes it dropped.
    private(set) var drainDeadline: NIODeadline?
    private var drained = 0
    /// The first request's clock starts with the first read: the connection's task turns reading
    /// on once it runs, and a busy server must not count its own delay against the client.
    private(set) var readingStarted = false
    /// What arrived before the task started reading. NIO reads a socket whose peer half-closed
    /// (EPOLLRDHUP) to its end whether or not anyone asked to read, so a request sent with FIN
    /// can arrive before the task's async channel is in the pipeline: without this it would be
    /// lost. Bounded by the decoder's and the body's limits and by ``maxEarlyParts``.
    private var early: [RequestPart] = []
    private var earlyInputClosed = false

    init(limits: Limits) {
        self.limits = limits
        self.lingerTimeout = limits.headerTimeout
    }

    // MARK: Lifecycle

    /// The handler joined the pipeline. When the server is already shutting down, the
    /// connection is quiescing and, fresh as it is, gets the shutdown grace: ``deadline`` is
    /// then set and the handler schedules its timer. The timer also closes a connection that no
    /// task ever serves (the listener, closing, may drop it).
    mutating func handlerAdded(shuttingDown: Bool, now: NIODeadline) {
        guard shuttingDown, !quiescing else { return }
        quiescing = true
        if !sawHead { startGrace(now: now) }
    }

    /// The channel closed: no timer may run any more.
    mutating func channelInactive() {
        deadline = nil
        stallDeadline = nil
    }

    /// Graceful shutdown began (`ChannelShouldQuiesceEvent`). Returns `true` when the connection
    /// owes nothing and closes now (an idle keep-alive connection: its client retries a request
    /// on a reused connection that closes). A fresh connection, which has not sent a request yet,
    /// is waited for until ``Limits/shutdownGrace`` passes; its request is then answered and the
    /// connection closes. Otherwise it closes after the response under way.
    mutating func quiesce(now: NIODeadline) -> Bool {
        quiescing = true
        if !sawHead {
            startGrace(now: now)
            return false
        }
        guard pendingResponses == 0, case .waiting = readState else { return false }
        return true
    }

    // MARK: Inbound

    /// A part decoded by NIO's HTTP/1 decoder.
    mutating func channelRead(_ part: HTTPServerRequestPart, now: NIODeadline) -> InboundAction {
        var action = InboundAction.nothing
        if lingering { return action }
        partsInThisRead = true
        switch part {
        case .head(var head):
            if case .failed = readState { return action }
            sawHead = true
            pendingResponses += 1
            deadline = nil
            let bodyFraming: RequestFraming
            switch head.verdict() {
            case .refused(let failure):
                fail(failure, &action)
                return action
            case .accepted(.length(let length)) where length > limits.maxBodyBytes:
                fail(.bodyTooLarge, &action)
                return action
            case .accepted(let accepted):
                bodyFraming = accepted
            }
            guard head.adoptTargetAuthority() else {
                fail(.badRequest, &action)
                return action
            }
            action.framing = .head(bodyFraming)
            if bodyFraming != .length(0) {
                awaitingContinue = head.headers.contains(name: "expect")
            }
            readState = .readingBody(received: 0)
            deliver(.head(head), &action)
        case .body(let buffer):
            guard case .readingBody(let received) = readState else { return action }
            let total = received + buffer.readableBytes
            if drainDeadline != nil {
                // The response is out: the bytes are dropped here, without a hop to the task.
                readState = .readingBody(received: total)
                drained += buffer.readableBytes
                if drained > limits.maxDrainBytes || total > limits.maxBodyBytes { stopDraining(&action) }
                return action
            }
            if total > limits.maxBodyBytes {
                fail(.bodyTooLarge, &action)
                return action
            }
            readState = .readingBody(received: total)
            deliver(.body(buffer), &action)
        case .end:
            guard case .readingBody = readState else { return action }
            readState = .waiting(firstRequest: false)
            action.framing = .ended
            awaitingContinue = false
            bodyTimerPaused = false
            drainDeadline = nil
            // The client owes nothing more (a closing connection keeps its forced close).
            if !closing { deadline = nil }
            deliver(.end, &action)
            // The response went out before the body's end (the handler did not read it all).
            if pendingResponses == 0 {
                if quiescing { close(.afterFlush, &action) } else { becameIdle(now: now) }
            }
        }
        return action
    }

    /// A read ended. Returns whether to pass `channelReadComplete` on (only once the task reads).
    mutating func channelReadComplete(now: NIODeadline) -> Bool {
        // Bytes arrived but produced no part: the start of a request head. Its clock starts now.
        if !partsInThisRead, case .waiting = readState {
            readState = .readingHead
            arm(.header, at: now + limits.headerTimeout)
        } else if case .readingBody = readState {
            // Whatever arrived, the client has the body timeout again to send more.
            armBodyTimer(now: now)
        }
        readOutstanding = false
        partsInThisRead = false
        return readingStarted
    }

    /// The decoder refused the input.
    mutating func decodingFailed(_ failure: DecodingFailure) -> InboundAction {
        let status: HTTPFailure
        switch failure {
        case .headTooLarge:
            if case .readingBody = readState { status = .badRequest } else { status = .headerTooLarge }
        case .versionNotSupported:
            status = .versionNotSupported
        case .malformed:
            status = .badRequest
        }
        var action = InboundAction.nothing
        if case .failed = readState { return action }
        fail(status, &action)
        action.completeRead = true
        return action
    }

    /// The connection's peer is known (``ProxyProtocolHandler`` read or ruled out the header).
    mutating func connectionPeer(_ peer: ConnectionPeer) -> InboundAction {
        var action = InboundAction.nothing
        deliver(.peer(peer), &action)
        return action
    }

    /// The client shut its sending side.
    mutating func inputClosed(now: NIODeadline) -> InputClosedAction {
        if lingering { return .close }
        inputEnded = true
        // NIO reports the end of input with a read that produced nothing, which looked like the
        // start of a head; a head can no longer arrive, so no header clock may run for one.
        if case .readingHead = readState {
            readState = .waiting(firstRequest: false)
            deadline = nil
            if pendingResponses == 0 { becameIdle(now: now) }
        }
        if readingStarted { return .forward }
        earlyInputClosed = true
        return .none
    }

    // MARK: Outbound

    /// The task asks to read (the first time: its async channel is in place).
    mutating func read(now: NIODeadline, shuttingDown: Bool) -> ReadAction {
        var action = ReadAction(then: .read)
        if !readingStarted {
            readingStarted = true
            if pendingResponses == 0, case .waiting = readState { arm(.idle, at: now + limits.headerTimeout) }
            swap(&action.replay, &early)
            action.replayInputClosed = earlyInputClosed
            earlyInputClosed = false
            // Accepted during shutdown, after the quiesce event: the grace starts now.
            if shuttingDown && !quiescing {
                quiescing = true
                if !sawHead { startGrace(now: now) }
            }
        }
        if case .failed = readState, !lingering {
            action.then = .ignore
            return action
        }
        readOutstanding = true
        if bodyTimerPaused {
            bodyTimerPaused = false
            if case .readingBody = readState { armBodyTimer(now: now) }
        }
        return action
    }

    /// The task writes response bytes.
    mutating func write(_ kind: ResponseWrite.Kind, now: NIODeadline) -> WriteAction {
        switch kind {
        case .partial:
            return .write
        case .informational:
            // The client was told to send its body: from now on its silence counts.
            if awaitingContinue {
                awaitingContinue = false
                armBodyTimer(now: now)
            }
            return .write
        case .end:
            pendingResponses -= 1
            guard pendingResponses == 0 else { return .write }
            switch readState {
            case .waiting:
                if quiescing { return .writeThenCloseAfterFlush }
                becameIdle(now: now)
            case .readingBody:
                startDraining(now: now)
            case .readingHead, .failed:
                break
            }
            return .write
        case .endThenClose:
            pendingResponses -= 1
            return .writeThenCloseWhenWritten
        }
    }

    /// The handler is about to close after a flush or a final write. Returns `false` when a close
    /// is already under way. A client that stops reading cannot keep the connection: it is closed
    /// by force after the idle timeout.
    mutating func startClosing(now: NIODeadline) -> Bool {
        guard !closing else { return false }
        closing = true
        arm(.forceClose, at: now + limits.idleTimeout)
        return true
    }

    /// The bytes before a close were flushed (`succeeded`: written and the channel still open).
    ///
    /// Lingering close (like nginx's `lingering_close`): shut the write side so the client sees
    /// the end of the response, then drain its input for up to ``lingerTimeout``. Closing with
    /// unread input would reset the connection and could destroy the response the client has not
    /// read yet, e.g. a 413 or 408 sent while it was still sending.
    mutating func flushedBeforeClose(succeeded: Bool, now: NIODeadline) -> FlushedAction {
        guard succeeded, !inputEnded else { return .close }
        lingering = true
        readState = .failed
        arm(.forceClose, at: now + lingerTimeout)
        return .linger
    }

    /// The channel's writability changed (the client reads, or stopped reading, its responses).
    mutating func writabilityChanged(isWritable: Bool, now: NIODeadline) -> StallAction {
        if isWritable {
            guard stallDeadline != nil else { return .none }
            stallDeadline = nil
            return .cancel
        }
        guard stallDeadline == nil else { return .none }
        let deadline = now + limits.idleTimeout
        stallDeadline = deadline
        return .schedule(deadline)
    }

    /// The unread-response timer fired: the client read nothing for the idle timeout. Close.
    mutating func stallTimerFired() -> Close {
        stallDeadline = nil
        return .now
    }

    // MARK: Timer

    /// The handler's timer fired. When ``deadline`` moved later meanwhile (a lazy timer: moving
    /// it costs nothing) this does nothing and the handler schedules its timer again.
    mutating func timerFired(now: NIODeadline) -> InboundAction {
        var action = InboundAction.nothing
        guard let deadline, deadline <= now else { return action }
        self.deadline = nil
        switch timeout {
        case .idle:
            guard pendingResponses == 0, case .waiting = readState else { return action }
            readState = .failed
            action.close = .now
        case .header:
            guard case .readingHead = readState else { return action }
            fail(.headerTimeout, &action)
            action.completeRead = true
        case .body:
            guard case .readingBody = readState, !closing, !awaitingContinue else { return action }
            if drainDeadline != nil {
                stopDraining(&action)
            } else if readOutstanding {
                lingerTimeout = min(lingerTimeout, limits.bodyTimeout)
                fail(.bodyTimeout, &action)
                action.completeRead = true
            } else {
                bodyTimerPaused = true
            }
        case .forceClose:
            action.close = .now
        }
        return action
    }

    // MARK: Transitions

    /// Passes a part on to the task, or holds it until the task reads.
    private mutating func deliver(_ part: RequestPart, _ action: inout InboundAction) {
        guard readingStarted else {
            early.append(part)
            if early.count > Self.maxEarlyParts {
                readState = .failed
                action.close = .now
            }
            return
        }
        action.deliver = part
    }

    private mutating func close(_ close: Close, _ action: inout InboundAction) {
        if action.close != .now { action.close = close }
    }

    private mutating func fail(_ failure: HTTPFailure, _ action: inout InboundAction) {
        readState = .failed
        action.framing = .failed
        deadline = nil
        deliver(.failure(failure), &action)
    }

    /// Arms the body timer from now, unless nothing is owed by the client yet (it may wait for
    /// `100 Continue`) or the connection is closing anyway. While draining, the drain's own
    /// deadline comes first.
    private mutating func armBodyTimer(now: NIODeadline) {
        guard !closing, !awaitingContinue else { return }
        var deadline = now + limits.bodyTimeout
        if let drainDeadline, drainDeadline < deadline { deadline = drainDeadline }
        arm(.body, at: deadline)
    }

    /// The response went out before the body was all read (the application did not read it):
    /// the rest is read and dropped, at most ``Limits/maxDrainBytes`` within the header timeout,
    /// so the connection can serve the next request; past either it closes.
    private mutating func startDraining(now: NIODeadline) {
        awaitingContinue = false
        drained = 0
        drainDeadline = now + limits.headerTimeout
        armBodyTimer(now: now)
    }

    /// The drain ran out of bytes or time: the response is out, so close without another.
    private mutating func stopDraining(_ action: inout InboundAction) {
        lingerTimeout = min(lingerTimeout, limits.bodyTimeout)
        readState = .failed
        action.framing = .failed
        drainDeadline = nil
        deadline = nil
        close(.afterFlush, &action)
    }

    private mutating func becameIdle(now: NIODeadline) {
        arm(.idle, at: now + limits.idleTimeout)
    }

    private mutating func arm(_ timeout: Timeout, at deadline: NIODeadline) {
        var deadline = deadline
        if let graceDeadline, timeout == .idle || timeout == .header, graceDeadline < deadline {
            deadline = graceDeadline
        }
        self.deadline = deadline
        self.timeout = timeout
    }

    /// Shutdown began before this connection's first request head: wait for it no longer than
    /// the grace (a head under way is answered 408 then, a silent connection closed).
    private mutating func startGrace(now: NIODeadline) {
        graceDeadline = now + limits.shutdownGrace
        if let deadline {
            arm(timeout, at: deadline)
        } else {
            arm(.idle, at: now + limits.shutdownGrace)
        }
    }
}
