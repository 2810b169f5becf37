import GreenroomServer
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `sd_notify` without libsystemd: the datagram reaches path and abstract sockets, the watchdog
/// interval is half of `WATCHDOG_USEC` and only for this process, and SIGHUP's actions run in order.
@Suite struct SystemdNotifierTests {
    /// A bound unix datagram socket at `name` (a path, or `@name` for an abstract one).
    private static func receiver(_ name: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(descriptor >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(2 + bytes.count)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        try #require(bound == 0, "bind \(name): errno \(errno)")
        return descriptor
    }

    private static func receive(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : "<nothing: errno \(errno)>"
    }

    @Test func sendsToAnAbstractSocket() throws {
        let name = "@greenroom-notify-test-\(getpid())"
        let descriptor = try Self.receiver(name)
        defer { close(descriptor) }
        let notifier = try #require(SystemdNotifier(socketAddress: name))
        #expect(notifier.send("READY=1\nSTATUS=up") == 0)
        #expect(Self.receive(descriptor) == "READY=1\nSTATUS=up")
    }

    @Test func sendsToAPathSocket() throws {
        let path = "/tmp/greenroom-notify-\(getpid()).sock"
        unlink(path)
        let descriptor = try Self.receiver(path)
        defer {
            close(descriptor)
            unlink(path)
        }
        #expect(try #require(SystemdNotifier(socketAddress: path)).send("STOPPING=1") == 0)
        #expect(Self.receive(descriptor) == "STOPPING=1")
    }

    @Test func aMissingSocketIsAnErrorNotACrash() throws {
        let notifier = try #require(SystemdNotifier(socketAddress: "/tmp/greenroom-no-such-notify.sock"))
        #expect(notifier.send("READY=1") == ENOENT)
    }

    @Test(arguments: ["", "@", "relative/path", "/" + String(repeating: "x", count: 200)])
    func unusableAddressesAreRefused(address: String) {
        #expect(SystemdNotifier(socketAddress: address) == nil)
    }

    @Test func watchdogIntervalIsHalfTheTimeoutAndOnlyForThisProcess() {
        #expect(SystemdNotifier.watchdogInterval(microseconds: "3000000", watchdogPID: nil) == .seconds(1.5))
        #expect(SystemdNotifier.watchdogInterval(microseconds: "2000000", watchdogPID: "42", ownPID: 42) == .seconds(1))
        #expect(SystemdNotifier.watchdogInterval(microseconds: "2000000", watchdogPID: "43", ownPID: 42) == nil)
        #expect(SystemdNotifier.watchdogInterval(microseconds: "0", watchdogPID: nil) == nil)
        #expect(SystemdNotifier.watchdogInterval(microseconds: "soon", watchdogPID: nil) == nil)
        #expect(SystemdNotifier.watchdogInterval(microseconds: nil, watchdogPID: nil) == nil)
    }

    @Test func reloadActionsRunInOrderAndAFailureDoesNotStopTheRest() async {
        struct Refused: Error {}
        let reload = ReloadActions()
        let ran = RanList()
        reload.add("first") { ran.append("first") }
        reload.add("failing") { throw Refused() }
        reload.add("last") { ran.append("last") }
        let failed = await reload.run(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(failed == ["failing"])
        #expect(ran.names == ["first", "last"])
        #expect(reload.names == ["first", "failing", "last"])
    }
}

/// Names appended from `@Sendable` closures.
private final class RanList: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ name: String) { storage.withLock { $0.append(name) } }
    var names: [String] { storage.withLock { $0 } }
}
