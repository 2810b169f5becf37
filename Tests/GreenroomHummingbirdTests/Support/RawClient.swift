#if Hummingbird
import NIOCore
import NIOPosix

/// One connection to a server on loopback: writes bytes, reads until the server closes.
enum RawClient {
    /// What the server sent before it closed (empty when it closed without a response).
    static func exchange(port: Int, _ bytes: [UInt8], timeout: Duration = .seconds(20)) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(bytes: bytes))
                    var received = ByteBuffer()
                    do {
                        for try await var chunk in inbound { received.writeBuffer(&chunk) }
                    } catch {
                        // A reset after the response (or instead of one) ends it the same way.
                    }
                    return String(buffer: received)
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            guard let first else {
                channel.channel.close(promise: nil)
                throw TestError("no close from the server within \(timeout)")
            }
            return first
        }
    }

    /// `GET path` with `headers` (each line ending in CRLF) on a connection that closes after it,
    /// after `prefix` (a PROXY header).
    static func get(
        port: Int,
        _ path: String,
        headers: String = "",
        prefix: [UInt8] = []
    ) async throws -> String {
        try await exchange(
            port: port,
            prefix + Array("GET \(path) HTTP/1.1\r\nHost: app.test\r\n\(headers)Connection: close\r\n\r\n".utf8)
        )
    }

    /// The body of a response (after the blank line).
    static func body(_ response: String) -> String {
        let parts = response.split(separator: "\r\n\r\n", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? String(parts[1]) : ""
    }
}
#endif
