import GreenroomCore

/// What the live rules read from the running system, behind a protocol so tests can hand them
/// fixture `/proc` text, invented interfaces and scripted connection results.
///
/// ``LocalSystem`` is the real one: `/proc` through POSIX reads, `getifaddrs(3)`, non-blocking
/// `connect(2)` with a deadline, `lstat(2)`, `getgrgid(3)`.
public protocol LiveSystem: Sendable {
    /// The text of a small file such as `/proc/net/tcp`, or `nil` when it cannot be read.
    func readText(_ path: String) -> String?

    /// The names in a directory (without `.` and `..`), or `nil` when it cannot be listed.
    func directoryEntries(_ path: String) -> [String]?

    /// The target of a symbolic link (`socket:[12345]` for `/proc/1/fd/3`), or `nil`.
    func symbolicLink(_ path: String) -> String?

    /// The addresses of the interfaces that are up.
    func interfaceAddresses() -> [InterfaceAddress]

    /// Whether a TCP connection to `address:port` is accepted within `timeout`.
    func canConnect(to address: InterfaceAddress, port: Int, timeout: Duration) -> Bool

    /// The type, mode and owner of the file at `path`, without following a final symbolic link.
    func fileStatus(_ path: String) -> FileStatus?

    /// The name of a group, or `nil` when it has none.
    func groupName(_ gid: UInt32) -> String?

    /// The name of a user, or `nil` when it has none.
    func userName(_ uid: UInt32) -> String?
}

/// One address of one network interface.
public struct InterfaceAddress: Sendable, Hashable, CustomStringConvertible {
    /// The interface's name (`eth0`, `lo`).
    public var interface: String
    /// The address.
    public var address: IPAddress
    /// The interface index, needed to connect to an IPv6 link-local address; 0 otherwise.
    public var scopeID: UInt32

    /// Creates an interface address.
    public init(interface: String, address: IPAddress, scopeID: UInt32 = 0) {
        self.interface = interface
        self.address = address
        self.scopeID = scopeID
    }

    /// `192.0.2.10 (eth0)`, `fe80::1%eth0`.
    public var description: String {
        address.isLinkLocal && address.family == .v6 ? "\(address)%\(interface)" : "\(address) (\(interface))"
    }

    /// `192.0.2.10:8000` or `[fd00::2]:8000`.
    func endpoint(port: Int) -> String {
        address.family == .v4 ? "\(address):\(port)" : "[\(address)]:\(port)"
    }
}

/// What `lstat(2)` says about a file.
public struct FileStatus: Sendable, Hashable {
    /// The kind of file.
    public enum Kind: Sendable, Hashable {
        /// A unix-domain socket.
        case socket
        /// A directory.
        case directory
        /// Anything else.
        case other
    }

    /// The kind of file.
    public var kind: Kind
    /// The permission bits (`0o660`).
    public var mode: UInt32
    /// The owner.
    public var uid: UInt32
    /// The group.
    public var gid: UInt32

    /// Creates a status.
    public init(kind: Kind, mode: UInt32, uid: UInt32, gid: UInt32) {
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
    }

    /// `0660`-style octal text.
    public var octalMode: String {
        let text = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
