import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import GreenroomServer

/// The listener's side of graceful shutdown: it stops accepting at once, but closes only when
/// every connection it accepted has reached the accept loop, so none is accepted and then dropped.
@Suite struct ConnectionTrackerTests {
    /// A listener with a tracker, active, and the tracker.
    static func makeListener() throws -> (EmbeddedChannel, ConnectionTracker) {
        let (_, drained) = AsyncStream<Void>.makeStream()
        let tracker = ConnectionTracker(maxConnections: 10, drained: drained, logger: Logger(label: "test"))
        let listener = EmbeddedChannel()
        try listener.pipeline.syncOperations.addHandler(tracker)
        try listener.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (listener, tracker)
    }

    /// A connection the listener accepted.
    static func accept(on listener: EmbeddedChannel) throws -> EmbeddedChannel {
        let child = EmbeddedChannel()
        try child.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2)).wait()
        try listener.writeInbound(child as any Channel)
        return child
    }

    @Test func listenerClosesOnlyOnceEveryAcceptedConnectionWasHandedOff() throws {
        let (listener, tracker) = try Self.makeListener()
        let first = try Self.accept(on: listener)
        let second = try Self.accept(on: listener)
        tracker.handedOff(first)
        tracker.quiesce()
        listener.embeddedEventLoop.run()
        #expect(listener.isActive, "an accepted connection has not reached the accept loop yet")
        tracker.handedOff(second)
        listener.embeddedEventLoop.run()
        #expect(!listener.isActive)
        #expect(second.isActive, "the connection itself is served, not closed")
        _ = try? first.finish(acceptAlreadyClosed: true)
        _ = try? second.finish(acceptAlreadyClosed: true)
    }

    @Test func listenerClosesAtOnceWhenNothingIsInFlight() throws {
        let (listener, tracker) = try Self.makeListener()
        let child = try Self.accept(on: listener)
        tracker.handedOff(child)
        tracker.quiesce()
        listener.embeddedEventLoop.run()
        #expect(!listener.isActive)
        _ = try? child.finish(acceptAlreadyClosed: true)
    }

    @Test func aConnectionThatClosesBeforeItsHandOffDoesNotHoldTheListener() throws {
        let (listener, tracker) = try Self.makeListener()
        let child = try Self.accept(on: listener)
        tracker.quiesce()
        _ = try child.finish(acceptAlreadyClosed: true)
        listener.embeddedEventLoop.run()
        #expect(!listener.isActive)
    }

    @Test func listenerClosesAfterTheHandOffTimeoutAnyway() throws {
        let (listener, tracker) = try Self.makeListener()
        let child = try Self.accept(on: listener)
        tracker.quiesce()
        listener.embeddedEventLoop.advanceTime(by: ConnectionTracker.handOffTimeout - .milliseconds(1))
        #expect(listener.isActive)
        listener.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!listener.isActive)
        _ = try? child.finish(acceptAlreadyClosed: true)
    }

    @Test func nothingIsAcceptedOnceQuiescing() throws {
        let (listener, tracker) = try Self.makeListener()
        let child = try Self.accept(on: listener)
        let counter = ReadCounter()
        try listener.pipeline.syncOperations.addHandler(counter, position: .first)
        listener.read()
        #expect(counter.reads == 1, "reads reach the socket while serving")
        tracker.quiesce()
        #expect(listener.isActive, "waiting for the accepted connection's hand-off")
        // A read asked of the listener after shutdown began must not reach the socket.
        listener.read()
        #expect(counter.reads == 1)
        _ = try? child.finish(acceptAlreadyClosed: true)
    }
}

/// Counts the reads that reach it (placed nearest the socket).
private final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = Never
    private(set) var reads = 0
    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}
