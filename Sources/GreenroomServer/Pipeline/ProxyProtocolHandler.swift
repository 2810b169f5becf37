import GreenroomCore
import NIOCore

/// Reads the PROXY protocol header (v1 or v2) that a trusted proxy sends first on a connection,
/// then gets out of the way.
///
/// - Only a trusted socket peer may send one; a header from anyone else closes the connection.
/// - `required`: a connection without a header is closed (an untrusted peer at once).
///   `optional`: a connection whose first bytes are not a header is passed on untouched.
/// - A header that does not arrive within the timeout, or that is malformed, closes the
///   connection without a response: the other side is not an HTTP client.
/// - Bytes after the header in the same read (the HTTP request) are passed on, not lost.
///
/// On success it fires ``ProxyHeaderReceived`` and removes itself from the pipeline.
final class ProxyProtocolHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Handler state. Transitions: `reading` → `done` (header read, or optional and none sent);
    /// `reading` → `closed` (timeout, malformed, untrusted, required but missing).
    private enum State {
        case reading
        case done
        case closed
    }

    private let mode: ProxyProtocolMode
    private let peerIsTrusted: Bool
    private let timeout: TimeAmount
    private let decoder: any ProxyHeaderDecoding
    private var state: State = .reading
    private var buffered: ByteBuffer?
    private var timer: Scheduled<Void>?

    /// - Parameters:
    ///   - mode: `optional` or `required` (`off` adds no handler).
    ///   - peerIsTrusted: whether the socket peer is a trusted proxy.
    ///   - timeout: how long the header may take.
    ///   - decoder: the PROXY header codec.
    init(mode: ProxyProtocolMode, peerIsTrusted: Bool, timeout: TimeAmount, decoder: any ProxyHeaderDecoding) {
        self.mode = mode
        self.peerIsTrusted = peerIsTrusted
        self.timeout = timeout
        self.decoder = decoder
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if mode == .required && !peerIsTrusted {
            state = .closed
            context.close(promise: nil)
            return
        }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            self.timer = nil
            guard case .reading = self.state else { return }
            self.close(context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .reading = state else {
            if case .done = state { context.fireChannelRead(data) }
            return
        }
        var incoming = unwrapInboundIn(data)
        if buffered == nil {
            buffered = incoming
        } else {
            buffered!.writeBuffer(&incoming)
        }
        process(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .reading = state { return }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    private func process(context: ChannelHandlerContext) {
        guard let buffer = buffered else { return }
        let bytes = buffer.readableBytesView
        let slice = ArraySlice(bytes)
        switch decoder.detect(slice) {
        case .needMoreBytes:
            return
        case .notProxyHeader:
            guard mode == .optional else { return close(context: context) }
            finish(context: context, event: nil, consumed: 0)
        case .proxyHeader:
            guard peerIsTrusted else { return close(context: context) }
            do {
                switch try decoder.parse(slice) {
                case .needMoreBytes:
                    return
                case .complete(let source, let tls, let consumed):
                    finish(context: context, event: ProxyHeaderReceived(source: source, tls: tls), consumed: consumed)
                }
            } catch {
                close(context: context)
            }
        }
    }

    private func finish(context: ChannelHandlerContext, event: ProxyHeaderReceived?, consumed: Int) {
        state = .done
        timer?.cancel()
        timer = nil
        if let event { context.fireUserInboundEventTriggered(event) }
        if var rest = buffered {
            buffered = nil
            rest.moveReaderIndex(forwardBy: consumed)
            if rest.readableBytes > 0 {
                context.fireChannelRead(wrapInboundOut(rest))
                context.fireChannelReadComplete()
            }
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func close(context: ChannelHandlerContext) {
        state = .closed
        buffered = nil
        timer?.cancel()
        timer = nil
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension ProxyProtocolHandler: Sendable {}
