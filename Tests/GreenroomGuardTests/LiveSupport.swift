import GreenroomCore
import GreenroomGuard
import Synchronization

/// A system made of fixtures: `/proc` text as the kernel prints it, invented interfaces, and the
/// connections that should succeed.
struct FakeSystem: LiveSystem {
    var texts: [String: String] = [:]
    var directories: [String: [String]] = [:]
    var links: [String: String] = [:]
    var interfaces: [InterfaceAddress] = []
    /// `address:port` (IPv6 in brackets) that accept connections.
    var reachable: Set<String> = []
    var files: [String: FileStatus] = [:]
    var groups: [UInt32: String] = [0: "root", 33: "www-data", 100: "users", 999: "app"]
    var users: [UInt32: String] = [0: "root", 33: "www-data", 997: "greenroom", 65534: "nobody"]

    func readText(_ path: String) -> String? { texts[path] }
    func directoryEntries(_ path: String) -> [String]? { directories[path] }
    func symbolicLink(_ path: String) -> String? { links[path] }
    func interfaceAddresses() -> [InterfaceAddress] { interfaces }
    func canConnect(to address: InterfaceAddress, port: Int, timeout: Duration) -> Bool {
        let host = address.address.family == .v4 ? "\(address.address)" : "[\(address.address)]"
        return reachable.contains("\(host):\(port)")
    }
    func fileStatus(_ path: String) -> FileStatus? { files[path] }
    func groupName(_ gid: UInt32) -> String? { groups[gid] }
    func userName(_ uid: UInt32) -> String? { users[uid] }

    /// Adds a process holding socket inodes.
    mutating func process(_ pid: Int32, _ command: String, uid: UInt32, inodes: [UInt64]) {
        if !(directories["/proc"] ?? []).contains(String(pid)) { directories["/proc", default: []].append(String(pid)) }
        directories["/proc/\(pid)/fd"] = ["0", "1", "2"] + inodes.indices.map { String($0 + 3) }
        links["/proc/\(pid)/fd/0"] = "/dev/null"
        links["/proc/\(pid)/fd/1"] = "pipe:[1]"
        links["/proc/\(pid)/fd/2"] = "pipe:[1]"
        for (index, inode) in inodes.enumerated() { links["/proc/\(pid)/fd/\(index + 3)"] = "socket:[\(inode)]" }
        texts["/proc/\(pid)/comm"] = "\(command)\n"
        texts["/proc/\(pid)/status"] =
            "Name:\t\(command)\nUmask:\t0022\nState:\tS (sleeping)\nPid:\t\(pid)\nUid:\t\(uid)\t\(uid)\t\(uid)\t\(uid)\nGid:\t0\t0\t0\t0\n"
    }

    /// This sandbox's interfaces: loopback, and eth0 with an IPv4, a unique-local and a link-local address.
    static let interfaces: [InterfaceAddress] = [
        InterfaceAddress(interface: "lo", address: .loopbackV4),
        InterfaceAddress(interface: "eth0", address: IPAddress("192.0.2.2")!),
        InterfaceAddress(interface: "lo", address: .loopbackV6),
        InterfaceAddress(interface: "eth0", address: IPAddress("fd00::2")!),
        InterfaceAddress(interface: "eth0", address: IPAddress("fe80::fc:ff:fe00:1")!, scopeID: 2),
    ]
}

/// A system whose `/proc/net/tcp` changes from one read to the next: read N answers as
/// `reads[N]` (the last one from then on); everything else comes from the last system.
final class ChangingSystem: LiveSystem {
    private let reads: [FakeSystem]
    private let count = Mutex(0)

    init(reads: [FakeSystem]) { self.reads = reads }

    /// How many times `/proc/net/tcp` was read.
    var tableReads: Int { count.withLock { $0 } }

    func readText(_ path: String) -> String? {
        guard path == "/proc/net/tcp" else { return reads.last!.readText(path) }
        let index = count.withLock { count in
            defer { count += 1 }
            return count
        }
        return reads[min(index, reads.count - 1)].readText(path)
    }
    func directoryEntries(_ path: String) -> [String]? { reads.last!.directoryEntries(path) }
    func symbolicLink(_ path: String) -> String? { reads.last!.symbolicLink(path) }
    func interfaceAddresses() -> [InterfaceAddress] { reads.last!.interfaceAddresses() }
    func canConnect(to address: InterfaceAddress, port: Int, timeout: Duration) -> Bool {
        reads.last!.canConnect(to: address, port: port, timeout: timeout)
    }
    func fileStatus(_ path: String) -> FileStatus? { reads.last!.fileStatus(path) }
    func groupName(_ gid: UInt32) -> String? { reads.last!.groupName(gid) }
    func userName(_ uid: UInt32) -> String? { reads.last!.userName(uid) }
}

/// Real `/proc/net` lines (captured on this machine, inodes and uids edited per case).
enum ProcFixtures {
    static let tcpHeader =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     \n"
    static let tcp6Header =
        "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    static let unixHeader = "Num       RefCount Protocol Flags    Type St Inode Path\n"

    /// A `/proc/net/tcp` line: `local` as the kernel prints it (`0100007F:1F40`), state `0A` = LISTEN.
    static func tcp(_ slot: Int, _ local: String, state: String = "0A", uid: Int = 997, inode: UInt64) -> String {
        "   \(slot): \(local) 00000000:0000 \(state) 00000000:00000000 00:00000000 00000000   \(uid)        0 \(inode) 1 0000000040a4d82d 100 0 0 10 0                    \n"
    }

    /// A `/proc/net/tcp6` line.
    static func tcp6(_ slot: Int, _ local: String, uid: Int = 997, inode: UInt64) -> String {
        "   \(slot): \(local) 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   \(uid)        0 \(inode) 1 00000000ba6a0724 100 0 0 10 0\n"
    }

    /// The sandbox's own listener on 0.0.0.0:2024 and an established loopback connection: noise
    /// every fixture carries.
    static let noise =
        tcp(90, "00000000:07E8", uid: 0, inode: 119)
        + "  91: 0100007F:A3EC 0100007F:B253 01 00000000:00000000 00:00000000 00000000     0        0 767638 1 00000000013bd6b2 20 4 28 11 -1                   \n"
}
