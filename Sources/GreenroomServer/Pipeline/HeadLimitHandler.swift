import NIOCore

/// What the connection handler, after NIO's decoder, learned about the request whose bytes the
/// ``HeadLimitHandler`` just passed on. Both handlers run on the connection's event loop and
/// the decoder parses synchronously, so the answer is there as soon as the bytes were passed on.
final class DecodedFraming {
    enum State: Equatable {
        /// Nothing decoded since the last look.
        case pending
        /// A head was decoded and accepted; its body is framed so.
        case head(RequestFraming)
        /// A request ended.
        case ended
        /// The request failed: nothing more is parsed.
        case failed
    }

    var state: State = .pending

    /// Reads and resets the state (a failure stays).
    func take() -> State {
        let current = state
        if current != .failed { state = .pending }
        return current
    }
}

@available(*, unavailable)
extension DecodedFraming: Sendable {}

/// Sits before NIO's HTTP/1 decoder: counts every byte of each request head against the
/// header limit (431), refuses bare LF line ends in a head (400), and passes the bytes on
/// unchanged, cut where heads and bodies end (``HeadBytesScanner``).
final class HeadLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var scanner: HeadBytesScanner
    private let framing: DecodedFraming

    init(maxHeadBytes: Int, framing: DecodedFraming) {
        self.scanner = HeadBytesScanner(limit: maxHeadBytes)
        self.framing = framing
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        while buffer.readableBytes > 0 {
            let step = buffer.withUnsafeReadableBytes { scanner.scan($0) }
            switch step {
            case .forward(let count, let boundary):
                forward(&buffer, count: count, context: context)
                if boundary {
                    scanner.decoded(framing.take())
                } else if framing.state == .failed {
                    scanner.stop()
                }
            case .refuse(let refusal, let count):
                forward(&buffer, count: count, context: context)
                context.fireErrorCaught(refusal)
                return
            case .drop:
                return
            }
        }
    }

    private func forward(_ buffer: inout ByteBuffer, count: Int, context: ChannelHandlerContext) {
        guard count > 0 else { return }
        if count == buffer.readableBytes {
            context.fireChannelRead(wrapInboundOut(buffer))
            buffer.moveReaderIndex(to: buffer.writerIndex)
        } else {
            context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: count)!))
        }
    }
}

@available(*, unavailable)
extension HeadLimitHandler: Sendable {}
