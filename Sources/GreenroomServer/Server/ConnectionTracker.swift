import NIOCore

/// Sits on the listening channel: counts open connections and stops accepting at the limit
/// (back-pressure, like eventlet's `max_size`: new clients wait in the backlog, nobody gets a
/// 503), and quiesces or closes every connection on shutdown.
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

    /// - Parameters:
    ///   - maxConnections: the most connections open at once.
    ///   - drained: finished once ``quiesce()`` was called and no connection is open.
    init(maxConnections: Int, drained: AsyncStream<Void>.Continuation, acceptBatch: Int = 4) {
        self.maxConnections = maxConnections
        self.drained = drained
        self.acceptBatch = acceptBatch
    }

    /// The number of open connections.
    var count: Int { open.count }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        let id = ObjectIdentifier(child)
        open[id] = child
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        child.closeFuture.whenComplete { _ in
            loopBound.eventLoop.execute { loopBound.value.closed(id) }
        }
        if quiescing { child.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        let room = maxConnections - open.count
        guard room > 0 else {
            readPending = true
            return
        }
        // Never accept more in one batch than there is room for.
        try? context.channel.syncOptions?.setOption(ChannelOptions.maxMessagesPerRead, value: UInt(min(acceptBatch, room)))
        context.read()
    }

    /// Tells every connection to finish the request it is serving and close.
    func quiesce() {
        quiescing = true
        for child in open.values { child.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        if open.isEmpty { signalDrained() }
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
        open.removeValue(forKey: id)
        if quiescing && open.isEmpty { signalDrained() }
        if readPending, open.count < maxConnections, let context {
            readPending = false
            read(context: context)
        }
    }
}

@available(*, unavailable)
extension ConnectionTracker: Sendable {}
