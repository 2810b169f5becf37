#if Hummingbird
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body pauses longer than `timeout` between two pieces
/// (`greenroom serve`'s body timeout): a client that sends a head and then a body a byte a minute,
/// or never, would otherwise hold the connection and the route reading the body forever.
///
/// It sits after Hummingbird's HTTP/1 decoder, so it sees whole heads and body pieces: the timer
/// is armed at a head, re-armed at each piece, and cleared at the end of the request. The time
/// until a head is complete is Hummingbird's idle timeout (``GreenroomOptions/idleTimeout``).
final class RequestBodyTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head, .body: arm(context)
        case .end: disarm()
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) { loopBound.value.close(promise: nil) }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
#endif
