import GreenroomCore

/// Parsers for the socket tables in `/proc/net` (see proc(5)).
///
/// `/proc/net/tcp` and `tcp6` print one socket per line: `sl local_address rem_address st ...
/// uid timeout inode`, addresses as hex words in host byte order (`0100007F:1F40` is
/// `127.0.0.1:8000` on little-endian machines) and state `0A` for LISTEN. `/proc/net/unix` prints
/// `Num RefCount Protocol Flags Type St Inode Path`, flag `00010000` marking a listening socket.
/// Malformed lines are skipped, never fatal.
package enum ProcNet {
    /// A listening TCP socket.
    package struct TCPListener: Sendable, Hashable, CustomStringConvertible {
        /// The local address (`0.0.0.0`, `::`, `127.0.0.1`, IPv4-mapped addresses as written).
        package var address: IPAddress
        /// The local port.
        package var port: Int
        /// The uid that created the socket.
        package var uid: UInt32
        /// The socket's inode, which `/proc/<pid>/fd/<n>` links name as `socket:[inode]`.
        package var inode: UInt64

        /// Creates a listener.
        package init(address: IPAddress, port: Int, uid: UInt32, inode: UInt64) {
            self.address = address
            self.port = port
            self.uid = uid
            self.inode = inode
        }

        /// `127.0.0.1:8000` or `[::]:8000`.
        package var description: String {
            address.family == .v4 ? "\(address):\(port)" : "[\(address)]:\(port)"
        }
    }

    /// A listening unix-domain socket with a path.
    package struct UnixListener: Sendable, Hashable {
        /// The path (`@name` for the abstract namespace).
        package var path: String
        /// The socket's inode.
        package var inode: UInt64

        /// Creates a listener.
        package init(path: String, inode: UInt64) {
            self.path = path
            self.inode = inode
        }
    }

    /// The listening sockets in the text of `/proc/net/tcp` or `/proc/net/tcp6`.
    package static func tcpListeners(_ text: String) -> [TCPListener] {
        var result: [TCPListener] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 10, fields[3] == "0A" else { continue }
            let local = fields[1].split(separator: ":")
            guard local.count == 2, let address = address(hex: local[0]), let port = Int(local[1], radix: 16),
                let uid = UInt32(fields[7]), let inode = UInt64(fields[9])
            else { continue }
            result.append(TCPListener(address: address, port: port, uid: uid, inode: inode))
        }
        return result
    }

    /// The listening sockets with a path in the text of `/proc/net/unix`.
    package static func unixListeners(_ text: String) -> [UnixListener] {
        var result: [UnixListener] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", maxSplits: 7, omittingEmptySubsequences: true)
            guard fields.count == 8, let flags = UInt32(fields[3], radix: 16), flags & 0x0001_0000 != 0,
                let inode = UInt64(fields[6])
            else { continue }
            result.append(UnixListener(path: String(fields[7]), inode: inode))
        }
        return result
    }

    /// An address from its `/proc/net` hex form: 8 digits for IPv4, 32 for IPv6 (four 32-bit
    /// words, each in host byte order).
    static func address(hex: Substring) -> IPAddress? {
        guard hex.count == 8 || hex.count == 32 else { return nil }
        var words: [UInt32] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 8)
            guard let word = UInt32(hex[index..<next], radix: 16) else { return nil }
            // The kernel printed the network-order bytes read as a host-order integer; `.bigEndian`
            // turns that back into the address's value on either kind of host.
            words.append(word.bigEndian)
            index = next
        }
        if words.count == 1 { return IPAddress(ipv4: words[0]) }
        var bits: UInt128 = 0
        for word in words { bits = bits << 32 | UInt128(word) }
        return IPAddress(ipv6: bits)
    }

    /// The inode in a `/proc/<pid>/fd/<n>` link such as `socket:[12345]`.
    package static func socketInode(link: String) -> UInt64? {
        guard link.hasPrefix("socket:["), link.hasSuffix("]") else { return nil }
        return UInt64(link.dropFirst(8).dropLast())
    }
}
