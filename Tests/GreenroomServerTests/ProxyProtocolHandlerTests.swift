import GreenroomCore
import GreenroomServer
import NIOCore
import NIOEmbedded
import Testing

/// The public PROXY protocol handler on an `EmbeddedChannel` (imported without `@testable`: what
/// an embedder can use), with the embedded event loop's clock for the header timeout.
@Suite struct ProxyProtocolHandlerTests {
    static let socketPeer = Peer.ip(IPAddress("127.0.0.1")!, port: 1)

    static let client = IPAddress("192.0.2.1")!
    static let server = IPAddress("198.51.100.1")!
    static let http = Array("GET / HTTP/1.1\r\nHost: t\r\n\r\n".utf8)

    static func header(_ version: ProxyProtocol.Version, tls: Bool = false) throws -> [UInt8] {
        let tlvs =
            tls ? [ProxyHeader.TLV(ssl: .ssl, verify: 0, subTLVs: [.init(type: .sslVersion, text: "TLSv1.3")])] : []
        return try ProxyHeader(
            version: version,
            addresses: .inet(source: client, sourcePort: 4711, destination: server, destinationPort: 443),
            tlvs: tlvs
        ).encoded()
    }

    /// Records what the PROXY handler passes on.
    final class Recorder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var bytes: [UInt8] = []
        var events: [ConnectionPeer] = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            bytes += Array(unwrapInboundIn(data).readableBytesView)
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? ConnectionPeer { events.append(event) }
        }
    }

    /// A channel from 127.0.0.1 with the handler; `trusted: false` trusts only 192.0.2.0/24.
    static func makeChannel(_ mode: ProxyProtocolMode, trusted: Bool = true) throws -> (EmbeddedChannel, Recorder) {
        let channel = EmbeddedChannel()
        let recorder = Recorder()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let trust = trusted ? TrustedProxies.loopback : try TrustedProxies(parsing: ["192.0.2.0/24"])
        try channel.pipeline.syncOperations.addHandler(
            ProxyProtocolHandler(mode: mode, trustedProxies: trust, timeout: .seconds(5))
        )
        try channel.pipeline.syncOperations.addHandler(recorder)
        return (channel, recorder)
    }

    static func write(_ bytes: [UInt8], to channel: EmbeddedChannel) throws {
        guard channel.isActive else { return }
        try channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    @Test(arguments: ProxyProtocol.Version.allCases)
    func headerFollowedByHTTPInTheSamePacket(_ version: ProxyProtocol.Version) throws {
        let (channel, recorder) = try Self.makeChannel(.required)
        try Self.write(try Self.header(version) + Self.http, to: channel)
        #expect(recorder.events.map(\.peer) == [.ip(Self.client, port: 4711)])
        #expect(recorder.events.map(\.via) == [.proxyProtocol])
        #expect(recorder.events.first?.proxyHeader?.version == version)
        #expect(recorder.bytes == Self.http)
        // The handler is gone: later bytes flow straight through.
        #expect(throws: (any Error).self) {
            try channel.pipeline.syncOperations.context(handlerType: ProxyProtocolHandler.self)
        }
        try Self.write(Self.http, to: channel)
        #expect(recorder.bytes == Self.http + Self.http)
        _ = try channel.finish()
    }

    @Test(arguments: ProxyProtocol.Version.allCases, [(1, 2), (5, 13), (7, 20), (12, 16)])
    func headerSplitAcrossReads(_ version: ProxyProtocol.Version, _ splits: (Int, Int)) throws {
        let (channel, recorder) = try Self.makeChannel(.required)
        let bytes = try Self.header(version) + Self.http
        try Self.write(Array(bytes[..<splits.0]), to: channel)
        try Self.write(Array(bytes[splits.0..<splits.1]), to: channel)
        #expect(recorder.events.isEmpty)
        try Self.write(Array(bytes[splits.1...]), to: channel)
        #expect(recorder.events.count == 1)
        #expect(recorder.bytes == Self.http)
        _ = try channel.finish()
    }

    @Test(arguments: ProxyProtocol.Version.allCases)
    func headerOneByteAtATime(_ version: ProxyProtocol.Version) throws {
        let (channel, recorder) = try Self.makeChannel(.optional)
        let header = try Self.header(version)
        for (index, byte) in (header + Self.http).enumerated() {
            try Self.write([byte], to: channel)
            // Nothing is passed on, not even the peer, before the header's last byte.
            #expect(recorder.events.count == (index < header.count - 1 ? 0 : 1))
            #expect(recorder.bytes.count == max(0, index + 1 - header.count))
        }
        #expect(recorder.events.map(\.peer) == [.ip(Self.client, port: 4711)])
        #expect(recorder.bytes == Self.http)
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test func tlsFromTheProxyIsReported() throws {
        let (channel, recorder) = try Self.makeChannel(.required)
        try Self.write(try Self.header(.v2, tls: true), to: channel)
        #expect(recorder.events.map(\.tls) == [true])
        #expect(recorder.events.map(\.scheme) == ["https"])
        _ = try channel.finish()
    }

    @Test func localCommandKeepsTheSocketPeer() throws {
        let (channel, recorder) = try Self.makeChannel(.required)
        let local = try ProxyHeader(command: .local, transport: .unspecified, addresses: .unspecified).encoded()
        try Self.write(local + Self.http, to: channel)
        #expect(recorder.events.map(\.peer) == [Self.socketPeer])
        #expect(recorder.events.map(\.via) == [.peer])
        #expect(recorder.events.first?.proxyHeader?.command == .local)
        #expect(recorder.bytes == Self.http)
        _ = try channel.finish()
    }

    @Test func headerThatDoesNotArriveInTimeClosesWithoutAResponse() throws {
        let (channel, recorder) = try Self.makeChannel(.required)
        try Self.write(Array("PROXY TCP4 192.0.2.1".utf8), to: channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
        #expect(recorder.bytes.isEmpty)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test(arguments: [ProxyProtocolMode.optional, .required])
    func untrustedPeerSendingAHeaderIsClosed(_ mode: ProxyProtocolMode) throws {
        let (channel, recorder) = try Self.makeChannel(mode, trusted: false)
        try Self.write(try Self.header(.v1) + Self.http, to: channel)
        #expect(!channel.isActive)
        #expect(recorder.events.isEmpty)
        #expect(recorder.bytes.isEmpty)
    }

    @Test func untrustedPeerInRequiredModeIsClosedAtOnce() throws {
        let (channel, _) = try Self.makeChannel(.required, trusted: false)
        #expect(!channel.isActive)
    }

    @Test func optionalModeWithoutAHeaderPassesTheBytesUntouched() throws {
        for trusted in [true, false] {
            let (channel, recorder) = try Self.makeChannel(.optional, trusted: trusted)
            try Self.write(Self.http, to: channel)
            #expect(recorder.events == [ConnectionPeer(socketPeer: Self.socketPeer)])
            #expect(recorder.bytes == Self.http)
            #expect(channel.isActive)
            _ = try channel.finish()
        }
    }

    @Test func requiredModeWithoutAHeaderIsClosed() throws {
        let (channel, recorder) = try Self.makeChannel(.required)
        try Self.write(Self.http, to: channel)
        #expect(!channel.isActive)
        #expect(recorder.bytes.isEmpty)
    }

    @Test(arguments: [
        "PROXY TCP4 192.0.2.1 198.51.100.1 4711\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.1 4711 99999\r\n",
        "PROXY TCP6 192.0.2.1 198.51.100.1 4711 443\r\n",
        "PROXY  TCP4 192.0.2.1 198.51.100.1 4711 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.1 4711 443\n",
    ])
    func malformedHeaderClosesWithoutAResponse(_ header: String) throws {
        let (channel, recorder) = try Self.makeChannel(.optional)
        try Self.write(Array(header.utf8) + Self.http, to: channel)
        #expect(!channel.isActive)
        #expect(recorder.bytes.isEmpty)
        #expect(recorder.events.isEmpty)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test func endlessV1LineIsCutOff() throws {
        let (channel, recorder) = try Self.makeChannel(.required)
        try Self.write(Array("PROXY TCP4 ".utf8) + Array(repeating: UInt8(ascii: "1"), count: 200), to: channel)
        #expect(!channel.isActive)
        #expect(recorder.bytes.isEmpty)
    }

    @Test func offModeHandsOnTheSocketPeerAndGetsOutOfTheWay() throws {
        let (channel, recorder) = try Self.makeChannel(.off)
        // A PROXY line is just bytes, for the HTTP decoder to refuse; the peer comes first.
        let line = Array("PROXY TCP4 192.0.2.1 198.51.100.1 4711 443\r\n".utf8)
        try Self.write(line, to: channel)
        #expect(recorder.events == [ConnectionPeer(socketPeer: Self.socketPeer)])
        #expect(recorder.bytes == line)
        #expect(throws: (any Error).self) {
            try channel.pipeline.syncOperations.context(handlerType: ProxyProtocolHandler.self)
        }
        try Self.write(line, to: channel)
        #expect(recorder.bytes == line + line)
        #expect(recorder.events.count == 1)
        _ = try channel.finish()
    }

    @Test func timeoutCountsFromTheHandlerBeingAddedNotFromTheLastByte() throws {
        let (channel, recorder) = try Self.makeChannel(.optional)
        let header = try Self.header(.v1)
        for byte in header.dropLast() {
            try Self.write([byte], to: channel)
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
        }
        // 5 s after the handler was added the header is still unfinished: a trickle cannot
        // hold the connection by sending a byte now and then.
        #expect((header.count - 1) * 200 > 5000)
        #expect(!channel.isActive)
        #expect(recorder.events.isEmpty)
    }

    @Test func headerFromATrustedPeerIsReadEvenWhenItsSourceIsUntrusted() throws {
        // The socket peer's trust decides; the header's source is the client, trusted or not.
        let (channel, recorder) = try Self.makeChannel(.required)
        try Self.write(try Self.header(.v2) + Self.http, to: channel)
        #expect(recorder.events.map(\.peer) == [.ip(Self.client, port: 4711)])
        _ = try channel.finish()
    }

    @Test func oversizedV2HeaderIsRefusedBeforeItArrives() throws {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.pipeline.syncOperations.addHandler(
            ProxyProtocolHandler(mode: .required, trustedProxies: .loopback, maxV2Length: 64)
        )
        // The signature, PROXY/TCP4, and a declared length of 1000 bytes.
        try channel.writeInbound(ByteBuffer(bytes: ProxyProtocol.v2Signature + [0x21, 0x11, 0x03, 0xE8]))
        #expect(!channel.isActive)
    }
}
