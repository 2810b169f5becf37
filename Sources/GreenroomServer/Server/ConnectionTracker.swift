import Logging
import NIOCore

/// Sits on the listening channel: counts open connections and stops accepting at the limit
/// (back-pressure, like eventlet's `max_size`: new clients wait in the backlog, nobody gets a
/// 503), and quiesces or closes every connection on shutdown.
///
/// When the process runs out of file descriptors, `accept` fails, but the listener stays
/// registered and readable, so the event loop would spin on `accept` (NIO's accept back-off only
/// delays the next read). The tracker then gives back a ``SpareDescriptor`` and closes the one
/// connection that lets through (that client is refused instead of hanging; the accept that
/// succeeds lets NIO stop polling), logs an error at most once a second, and accepts again only
/// once the reserve is back and a connection closed or a second passed.
///
/// On shutdown, ``quiesce()`` stops accepting and closes the listener only once every connection
/// it accepted reached the server's accept loop (``handedOff(_:)``): NIO drops a connection whose
/// set-up finishes after its listener closed, and its client would see a reset. Connections still
/// in the kernel's queue stay there (for the next process, when systemd keeps the socket).
///
/// ``quiesce()`` and ``closeAll()`` are called on the listener's event loop, also after the
/// listener itself closed (the tracker keeps the connections it knows).
final class ConnectionTracker: ChannelDuplexHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel
    typealias OutboundIn = Never
    typealias OutboundOut = Never

    private let maxConnections: Int
    private let acceptBatch: Int
    private var open: [ObjectIdentifier: any Channel] = [:]
    private var context: ChannelHandlerContext?
    private var readPending = false
    private var quiescing = false
    private var didDrain = false
    private let drained: AsyncStream<Void>.Continuation
    private let logger: Logger
    private let metrics: ServerMetrics?
    private var spare = SpareDescriptor()
    /// `accept` ran out of descriptors: no accepting until a connection closes or a second passed.
    private var exhausted = false
    private var retry: Scheduled<Void>?
    /// Connections to close as soon as they are accepted (one per exhausted `accept`).
    private var toShed = 0
    private var refused = 0
    private var lastExhaustionLog: NIODeadline?
    /// Accepted connections the server's accept loop has not received yet.
    private var unserved: Set<ObjectIdentifier> = []
    /// Set by ``quiesce()``: the listener closes once ``unserved`` is empty (or the deadline).
    private var closeListenerWhenHandedOff = false
    private var closeListenerDeadline: Scheduled<Void>?
    /// The longest the listener waits for accepted connections to reach the accept loop.
    static let handOffTimeout = TimeAmount.seconds(1)

    /// - Parameters:
    ///   - maxConnections: the most connections open at once.
    ///   - drained: finished once ``quiesce()`` was called and no connection is open.
    ///   - metrics: counts connections opened and closed, when set.
    init(
        maxConnections: Int,
        drained: AsyncStream<Void>.Continuation,
        logger: Logger,
        metrics: ServerMetrics? = nil,
        acceptBatch: Int = 4
    ) {
        self.maxConnections = maxConnections
        self.metrics = metrics
        self.drained = drained
        self.logger = logger
        self.acceptBatch = acceptBatch
    }

    /// The number of open connections.
    var count: Int { open.count }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        retry?.cancel()
        closeListenerDeadline?.cancel()
        spare.release()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        if toShed > 0 {
            toShed -= 1
            refused += 1
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            child.closeFuture.whenComplete { _ in
                loopBound.eventLoop.execute { loopBound.value.resumeAccepting() }
            }
            child.close(promise: nil)
            return
        }
        let id = ObjectIdentifier(child)
        open[id] = child
        metrics?.connectionOpened()
        unserved.insert(id)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        child.closeFuture.whenComplete { _ in
            loopBound.eventLoop.execute { loopBound.value.closed(id) }
        }
        if quiescing { child.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        let room = maxConnections - open.count
        guard !quiescing else { return }
        guard room > 0, !exhausted, spare.isHeld else {
            readPending = true
            return
        }
        // Never accept more in one batch than there is room for.
        try? context.channel.syncOptions?.setOption(
            ChannelOptions.maxMessagesPerRead,
            value: UInt(min(acceptBatch, room))
        )
        context.read()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if SpareDescriptor.isExhaustion(error) { outOfDescriptors(error, context: context) }
        // NIO's accept back-off, next in the pipeline, swallows it.
        context.fireErrorCaught(error)
    }

    private func outOfDescriptors(_ error: any Error, context: ChannelHandlerContext) {
        exhausted = true
        if spare.isHeld {
            spare.release()
            toShed = 1
        }
        scheduleRetry()
        let now = NIODeadline.now()
        guard lastExhaustionLog.map({ now - $0 >= .seconds(1) }) ?? true else { return }
        lastExhaustionLog = now
        logger.error(
            "out of file descriptors: refusing new connections",
            metadata: [
                "greenroom.error": "\(error)", "greenroom.connections": "\(open.count)",
                "greenroom.refused": "\(refused)",
            ]
        )
    }

    /// Tries accepting again in a second: descriptors freed elsewhere in the process (not by a
    /// connection closing) announce themselves to nobody.
    private func scheduleRetry() {
        guard retry == nil, let context else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        retry = context.eventLoop.scheduleTask(in: .seconds(1)) {
            loopBound.value.retry = nil
            loopBound.value.resumeAccepting(descriptorFreed: true)
        }
    }

    /// Takes the spare descriptor back and accepts again if nothing else holds accepting back.
    private func resumeAccepting(descriptorFreed: Bool = false) {
        if descriptorFreed { exhausted = false }
        guard spare.acquire() else {
            // Still none to spare: accepting now would only fail again; look again later.
            scheduleRetry()
            return
        }
        if readPending, let context {
            readPending = false
            read(context: context)
        }
    }

    /// Stops accepting, closes the listener once every accepted connection was handed off, and
    /// tells every connection to finish the request it is serving and close.
    func quiesce() {
        quiescing = true
        closeListenerWhenHandedOff = true
        if let context, !unserved.isEmpty {
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            closeListenerDeadline = context.eventLoop.scheduleTask(in: Self.handOffTimeout) {
                loopBound.value.closeListener()
            }
        }
        closeListenerIfHandedOff()
        for child in open.values { child.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        if open.isEmpty { signalDrained() }
    }

    /// The server's accept loop received `child`: it has a task and cannot be dropped any more.
    func handedOff(_ child: any Channel) {
        unserved.remove(ObjectIdentifier(child))
        closeListenerIfHandedOff()
    }

    private func closeListenerIfHandedOff() {
        if closeListenerWhenHandedOff && unserved.isEmpty { closeListener() }
    }

    private func closeListener() {
        closeListenerDeadline?.cancel()
        closeListenerDeadline = nil
        closeListenerWhenHandedOff = false
        context?.close(promise: nil)
    }

    /// Closes every connection now.
    func closeAll() {
        for child in open.values { child.close(promise: nil) }
    }

    private func signalDrained() {
        guard !didDrain else { return }
        didDrain = true
        drained.finish()
    }

    private func closed(_ id: ObjectIdentifier) {
        if open.removeValue(forKey: id) != nil { metrics?.connectionClosed() }
        unserved.remove(id)
        closeListenerIfHandedOff()
        if quiescing && open.isEmpty { signalDrained() }
        resumeAccepting(descriptorFreed: true)
    }
}

@available(*, unavailable)
extension ConnectionTracker: Sendable {}
