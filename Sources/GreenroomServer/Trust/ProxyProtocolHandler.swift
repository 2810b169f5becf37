public import GreenroomCore
public import NIOCore

/// Reads the PROXY protocol header (version 1 or 2) that a trusted proxy sends first on a
/// connection, hands the connection's peer on, and removes itself from the pipeline.
///
/// Add it first in an accepted channel's pipeline, before any HTTP codec. It decides who the
/// connection's peer is and fires one ``ConnectionPeer`` as a user inbound event before it passes
/// on any byte, so the next handlers learn the peer before they see the request:
///
/// - Only a trusted socket peer (`TrustedProxies`) may send a header; a header from
///   anyone else closes the connection.
/// - `ProxyProtocolMode.required`: a connection without a header is closed (an untrusted peer
///   at once). `ProxyProtocolMode.optional`: a connection whose first bytes are not a header is
///   passed on untouched, with the socket's peer. `ProxyProtocolMode.off`: no header is read;
///   the handler fires the socket's peer with the first bytes and removes itself.
/// - A header that does not arrive within the timeout, or that is malformed, closes the
///   connection without a response: the other side is not an HTTP client.
/// - Bytes after the header in the same read (the start of the request) are passed on intact.
///
/// The header is parsed by `ProxyProtocol`, strictly, as HAProxy's specification
/// says (<https://www.haproxy.org/download/2.6/doc/proxy-protocol.txt>).
///
/// ```swift
/// try channel.pipeline.syncOperations.addHandler(
///     ProxyProtocolHandler(mode: .required, trustedProxies: trusted, timeout: .seconds(5))
/// )
/// try channel.pipeline.syncOperations.configureHTTPServerPipeline()
/// // A later handler's userInboundEventTriggered receives the `ConnectionPeer`.
/// ```
public final class ProxyProtocolHandler: ChannelInboundHandler, RemovableChannelHandler {
    /// The connection's bytes, from the socket.
    public typealias InboundIn = ByteBuffer
    /// The bytes after the header, unchanged, for the HTTP codec.
    public typealias InboundOut = ByteBuffer

    /// Handler state. Transitions: `reading` → `done` (header read, optional and none sent, or
    /// mode off); `reading` → `closed` (timeout, malformed, untrusted, required but missing).
    private enum State {
        case reading
        case done
        case closed
    }

    private let mode: ProxyProtocolMode
    private let trustedProxies: TrustedProxies
    private let timeout: TimeAmount
    private let maxV2Length: Int
    private var state: State = .reading
    private var socketPeer: Peer?
    private var peerIsTrusted = false
    private var buffered: ByteBuffer?
    /// The fewest buffered bytes worth parsing again (the parser says how many it needs at least).
    private var needed = 1
    private var timer: Scheduled<Void>?
    /// Counts headers accepted and connections closed for their header, when set.
    var metrics: ServerMetrics?

    /// Creates a handler for one connection.
    ///
    /// - Parameters:
    ///   - mode: whether a header is expected (`ProxyProtocolMode.off` reads none).
    ///   - trustedProxies: the peers whose header is believed; the socket's peer is checked once,
    ///     when the handler is added.
    ///   - timeout: how long the whole header may take from the moment the handler is added.
    ///   - maxV2Length: the largest version 2 header accepted, in bytes.
    public init(
        mode: ProxyProtocolMode,
        trustedProxies: TrustedProxies,
        timeout: TimeAmount = .seconds(5),
        maxV2Length: Int = ProxyProtocol.defaultMaxV2Length
    ) {
        self.mode = mode
        self.trustedProxies = trustedProxies
        self.timeout = timeout
        self.maxV2Length = maxV2Length
    }

    /// Checks the socket's peer and starts the header clock.
    public func handlerAdded(context: ChannelHandlerContext) {
        socketPeer = Peer(context.channel.remoteAddress)
        peerIsTrusted = socketPeer.map { trustedProxies.trusts($0) } ?? false
        // Off: nothing to wait for; the peer is handed on with the first bytes, when the
        // handlers after this one are in place.
        if mode == .off { return }
        if mode == .required && !peerIsTrusted {
            close(context: context, because: .untrustedPeer)
            return
        }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            self.timer = nil
            guard case .reading = self.state else { return }
            self.close(context: context, because: .timeout)
        }
    }

    /// Cancels the header clock.
    public func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    /// Buffers the connection's first bytes until the header is read or ruled out.
    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
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

    /// Holds back the read-complete of reads that only carried header bytes.
    public func channelReadComplete(context: ChannelHandlerContext) {
        if case .reading = state { return }
        context.fireChannelReadComplete()
    }

    /// Cancels the header clock.
    public func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    private func process(context: ChannelHandlerContext) {
        guard mode != .off else { return finish(context: context, header: nil, consumed: 0) }
        guard let buffer = buffered, buffer.readableBytes >= needed else { return }
        switch ProxyProtocol.detect(buffer.readableBytesView) {
        case .needMoreBytes:
            return
        case .notProxy:
            guard mode == .optional else { return close(context: context, because: .missing) }
            finish(context: context, header: nil, consumed: 0)
        case .v1, .v2:
            guard peerIsTrusted else { return close(context: context, because: .untrustedPeer) }
            do {
                switch try ProxyProtocol.parse(ArraySlice(buffer.readableBytesView), maxV2Length: maxV2Length) {
                case .needMoreBytes(let atLeast):
                    needed = buffer.readableBytes + atLeast
                case .complete(let header, let consumed):
                    finish(context: context, header: header, consumed: consumed)
                }
            } catch {
                close(context: context, because: .malformed)
            }
        }
    }

    private func finish(context: ChannelHandlerContext, header: ProxyHeader?, consumed: Int) {
        state = .done
        if header != nil { metrics?.proxyHeaderAccepted() }
        timer?.cancel()
        timer = nil
        // A channel without a remote address (never for an accepted socket) is a nameless unix peer.
        let socket = socketPeer ?? .unix(path: nil)
        let peer =
            header.map { ConnectionPeer(socketPeer: socket, proxyHeader: $0) } ?? ConnectionPeer(socketPeer: socket)
        context.fireUserInboundEventTriggered(peer)
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

    private func close(context: ChannelHandlerContext, because reason: ProxyHeaderRejection) {
        metrics?.proxyHeaderRejected(reason)
        state = .closed
        buffered = nil
        timer?.cancel()
        timer = nil
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension ProxyProtocolHandler: Sendable {}
