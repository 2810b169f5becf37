#if Hummingbird
import GreenroomServer
import NIOCore
import Synchronization

/// The peer of one connection, written once on its event loop (by ``ConnectionPeerRecorder``
/// or at set-up) and read by each request's responder.
final class ConnectionPeerSlot: Sendable {
    private let peer: Mutex<ConnectionPeer?>

    init(_ peer: ConnectionPeer? = nil) { self.peer = Mutex(peer) }

    /// The peer, or `nil` while the PROXY header is being read (no request can arrive then).
    var value: ConnectionPeer? { peer.withLock { $0 } }

    func set(_ value: ConnectionPeer) { peer.withLock { $0 = value } }
}

/// Catches the ``ConnectionPeer`` that `ProxyProtocolHandler` fires before the first request
/// byte and stores it in the connection's slot; it sits right after that handler.
final class ConnectionPeerRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let slot: ConnectionPeerSlot

    init(slot: ConnectionPeerSlot) { self.slot = slot }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let peer = event as? ConnectionPeer {
            slot.set(peer)
            // Needed once: the handler leaves the pipeline with the peer recorded.
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

@available(*, unavailable)
extension ConnectionPeerRecorder: Sendable {}
#endif
