import GreenroomServer
import NIOCore
import NIOPosix

/// A raw TCP/unix client for socket tests: writes bytes, reads HTTP responses or everything
/// until the server closes, with a deadline on every wait (never blocks a thread).
final class TestClient {
    enum Event: Sendable {
        case data(ByteBuffer)
        case closed
        case timeout(Int)
    }

    struct Timeout: Error, CustomStringConvertible {
        var description: String { "timed out waiting for the server" }
    }

    let channel: any Channel
    private var events: AsyncStream<Event>.AsyncIterator
    private let continuation: AsyncStream<Event>.Continuation
    private var buffer = ByteBuffer()
    private(set) var isClosed = false
    private var timerID = 0

    private init(channel: any Channel, stream: AsyncStream<Event>, continuation: AsyncStream<Event>.Continuation) {
        self.channel = channel
        self.events = stream.makeAsyncIterator()
        self.continuation = continuation
    }

    static func connect(
        to target: BindTarget,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    )
        async throws -> TestClient
    {
        let (stream, continuation) = AsyncStream<Event>.makeStream()
        let bootstrap = ClientBootstrap(group: group)
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(continuation: continuation))
                }
            }
        let channel: any Channel
        switch target {
        case .tcp(let host, let port):
            channel = try await bootstrap.connect(host: host, port: port).get()
        case .unix(let path):
            channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
        }
        return TestClient(channel: channel, stream: stream, continuation: continuation)
    }

    /// Writes text as-is (use `\r\n` line ends).
    func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Half-closes the client's sending side.
    func shutdownOutput() async throws {
        try await channel.close(mode: .output).get()
    }

    func close() async {
        try? await channel.close().get()
    }

    /// Reads one response. `nil` when the server closed before sending a byte of it.
    func readResponse(toHead: Bool = false, timeout: TimeAmount = .seconds(5)) async throws -> TestResponse? {
        let deadline = NIODeadline.now() + timeout
        while true {
            if let (response, consumed) = TestResponse.parse(buffer, toHead: toHead, atEOF: isClosed) {
                buffer.moveReaderIndex(forwardBy: consumed)
                buffer.discardReadBytes()
                return response
            }
            if isClosed {
                if buffer.readableBytes == 0 { return nil }
                throw IncompleteResponse(bytes: String(buffer: buffer))
            }
            try await receive(until: deadline)
        }
    }

    /// Everything the server sends until it closes.
    func readToClose(timeout: TimeAmount = .seconds(5)) async throws -> String {
        let deadline = NIODeadline.now() + timeout
        while !isClosed { try await receive(until: deadline) }
        defer { buffer.clear() }
        return String(buffer: buffer)
    }

    /// `true` when the server closes the connection within `timeout` (any bytes are discarded).
    func closesWithin(_ timeout: TimeAmount) async -> Bool {
        (try? await readToClose(timeout: timeout)) != nil
    }

    private func receive(until deadline: NIODeadline) async throws {
        timerID += 1
        let id = timerID
        let continuation = self.continuation
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) { continuation.yield(.timeout(id)) }
        defer { timer.cancel() }
        while true {
            switch await events.next() {
            case .data(var data):
                buffer.writeBuffer(&data)
                return
            case .closed, nil:
                isClosed = true
                return
            case .timeout(let fired):
                if fired == id { throw Timeout() }
            }
        }
    }

    struct IncompleteResponse: Error, CustomStringConvertible {
        let bytes: String
        var description: String { "connection closed in the middle of a response: \(bytes.debugDescription)" }
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let continuation: AsyncStream<Event>.Continuation

        init(continuation: AsyncStream<Event>.Continuation) { self.continuation = continuation }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            continuation.yield(.data(unwrapInboundIn(data)))
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case ChannelEvent.inputClosed = event { continuation.yield(.closed) }
            context.fireUserInboundEventTriggered(event)
        }

        func channelInactive(context: ChannelHandlerContext) {
            continuation.yield(.closed)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            continuation.yield(.closed)
            context.close(promise: nil)
        }
    }
}

/// A parsed HTTP/1.1 response.
struct TestResponse: Sendable {
    var status: Int
    var reason: String
    var headers: [(name: String, value: String)]
    var body: String

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func headers(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// Parses one response at the start of `buffer`; `nil` when incomplete.
    static func parse(_ buffer: ByteBuffer, toHead: Bool, atEOF: Bool) -> (TestResponse, Int)? {
        let bytes = Array(buffer.readableBytesView)
        guard let headEnd = find([13, 10, 13, 10], in: bytes, from: 0) else { return nil }
        let headText = String(decoding: bytes[..<headEnd], as: UTF8.self)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2).map(String.init)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: " "))
        }
        let reason = statusLine.count > 2 ? statusLine[2] : ""
        var response = TestResponse(status: status, reason: reason, headers: headers, body: "")
        var offset = headEnd + 4
        if toHead || status < 200 || status == 204 || status == 304 { return (response, offset) }
        if let length = response.header("content-length").flatMap(Int.init) {
            guard bytes.count - offset >= length else { return nil }
            response.body = String(decoding: bytes[offset..<offset + length], as: UTF8.self)
            return (response, offset + length)
        }
        if response.header("transfer-encoding")?.lowercased() == "chunked" {
            var body: [UInt8] = []
            while true {
                guard let lineEnd = find([13, 10], in: bytes, from: offset) else { return nil }
                let sizeText = String(decoding: bytes[offset..<lineEnd], as: UTF8.self)
                guard let size = Int(sizeText, radix: 16) else { return nil }
                offset = lineEnd + 2
                guard bytes.count - offset >= size + 2 else { return nil }
                body += bytes[offset..<offset + size]
                offset += size + 2
                if size == 0 { break }
            }
            response.body = String(decoding: body, as: UTF8.self)
            return (response, offset)
        }
        guard atEOF else { return nil }
        response.body = String(decoding: bytes[offset...], as: UTF8.self)
        return (response, bytes.count)
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var text = Substring(self)
        while text.first == set { text = text.dropFirst() }
        while text.last == set { text = text.dropLast() }
        return String(text)
    }
}
