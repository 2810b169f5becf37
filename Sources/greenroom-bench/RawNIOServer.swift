import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// `greenroom-bench raw-nio --port N`: the ceiling the load benches compare greenroom with. A plain
/// SwiftNIO `NIOHTTP1` server, built from this package's own NIO dependency, that answers every
/// request with `Hello, World!` straight from the event loop: no task per connection, no limits,
/// no trust layer. One event loop per core, like `greenroom serve`.
enum RawNIOServer {
    static let help = """
        usage: greenroom-bench raw-nio --port N [--threads N]

          Serves `Hello, World!` on 127.0.0.1:N with a raw SwiftNIO NIOHTTP1 handler until SIGTERM.
          The load benches start it themselves as their raw SwiftNIO baseline.
          --threads N   event loops (default: one per core)
        """

    static func run(_ arguments: [String]) async throws -> Int32 {
        if BenchArguments.answeredHelp(arguments, help) { return 0 }
        var port: Int?
        var threads = System.coreCount
        var parser = BenchArguments(arguments)
        while let flag = parser.next() {
            switch flag {
            case "--port": port = try parser.number(flag)
            case "--threads": threads = try parser.number(flag)
            default: throw BenchError("unknown option \(flag)\n\(help)")
            }
        }
        guard let port else { throw BenchError("--port is required\n\(help)") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: false,
                        withErrorHandling: false
                    )
                    try channel.pipeline.syncOperations.addHandler(HelloHandler())
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
        print("raw SwiftNIO hello server on 127.0.0.1:\(port), \(threads) event loops")
        fflush(nil)
        // The bench stops it with SIGTERM; the default action ends the process.
        try await channel.closeFuture.get()
        return 0
    }

    /// Answers each request head with `Hello, World!` and flushes once per read burst.
    private final class HelloHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private static let body = ByteBuffer(string: "Hello, World!")
        private var keepAlive = true

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                keepAlive = head.isKeepAlive
            case .body:
                break
            case .end:
                var headers = HTTPHeaders()
                headers.add(name: "content-type", value: "text/plain; charset=utf-8")
                headers.add(name: "content-length", value: "\(Self.body.readableBytes)")
                if !keepAlive { headers.add(name: "connection", value: "close") }
                let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(Self.body))), promise: nil)
                if keepAlive {
                    context.write(wrapOutboundOut(.end(nil)), promise: nil)
                } else {
                    let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
                    context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                        loopBound.value.close(promise: nil)
                    }
                }
            }
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            context.flush()
        }
    }
}
