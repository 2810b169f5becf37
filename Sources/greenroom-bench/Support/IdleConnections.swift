import NIOCore
import NIOPosix

/// Opens many keep-alive connections that each complete one request and then stay idle, so the
/// server's memory per idle connection can be measured.
final class IdleConnections {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    private var channels: [any Channel] = []

    /// Opens `count` connections to 127.0.0.1:`port`, `batch` at a time; returns how many got
    /// their response.
    func open(count: Int, port: Int, batch: Int = 200) async throws -> Int {
        var answered = 0
        var opened = 0
        while opened < count {
            let size = min(batch, count - opened)
            let group = self.group
            let results = await withTaskGroup(of: (any Channel)?.self) { tasks in
                for _ in 0..<size {
                    tasks.addTask { try? await Self.connectAndRequest(port: port, group: group) }
                }
                var channels: [any Channel] = []
                for await channel in tasks { if let channel { channels.append(channel) } }
                return channels
            }
            answered += results.count
            channels += results
            opened += size
        }
        return answered
    }

    private static func connectAndRequest(port: Int, group: MultiThreadedEventLoopGroup) async throws -> any Channel {
        let answered = group.next().makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FirstRead(promise: answered))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: bench\r\n\r\n")).get()
        let timeout = channel.eventLoop.scheduleTask(in: .seconds(30)) { answered.fail(BenchError("no answer")) }
        defer { timeout.cancel() }
        try await answered.futureResult.get()
        return channel
    }

    func closeAll() async {
        for channel in channels { try? await channel.close().get() }
        channels.removeAll()
        try? await group.shutdownGracefully()
    }

    private final class FirstRead: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<Void>
        var done = false

        init(promise: EventLoopPromise<Void>) { self.promise = promise }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if !done {
                done = true
                promise.succeed()
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            if !done {
                done = true
                promise.fail(BenchError("closed before answering"))
            }
        }
    }
}
