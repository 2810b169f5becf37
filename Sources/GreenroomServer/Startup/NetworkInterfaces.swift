public import GreenroomCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// This host's interface addresses, from `getifaddrs(3)`.
public enum NetworkInterfaces {
    /// One address of one interface.
    public struct Address: Sendable, Hashable {
        /// The interface name (`eth0`, `lo`).
        public var interface: String
        /// The address.
        public var address: IPAddress
    }

    /// The addresses of the interfaces that are up, in the order the kernel lists them.
    public static func addresses() -> [Address] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var result: [Address] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard entry.pointee.ifa_flags & UInt32(IFF_UP) != 0, let raw = entry.pointee.ifa_addr else { continue }
            let name = String(cString: entry.pointee.ifa_name)
            switch Int32(raw.pointee.sa_family) {
            case AF_INET:
                let bytes = UnsafeRawBufferPointer(start: raw, count: MemoryLayout<sockaddr_in>.size)
                if case .ip(let address, _) = Peer(socketAddressBytes: bytes) {
                    result.append(Address(interface: name, address: address))
                }
            case AF_INET6:
                let bytes = UnsafeRawBufferPointer(start: raw, count: MemoryLayout<sockaddr_in6>.size)
                if case .ip(let address, _) = Peer(socketAddressBytes: bytes) {
                    result.append(Address(interface: name, address: address))
                }
            default:
                continue
            }
        }
        return result
    }

    /// The addresses a client can use to reach a listener bound to `bind`: the bound address
    /// itself, or for a wildcard every interface address of the family (IPv4 and IPv6 for `::`),
    /// never the wildcard and never an IPv6 link-local address (it needs a zone).
    public static func navigableAddresses(for bind: BindTarget, interfaces: [Address] = addresses()) -> [IPAddress] {
        guard let address = bind.address else { return [] }
        guard address.isUnspecified else { return [address] }
        var result: [IPAddress] = []
        for entry in interfaces {
            let candidate = entry.address
            if candidate.family == .v6 && (address.family == .v4 || candidate.isLinkLocal) { continue }
            if !result.contains(candidate) { result.append(candidate) }
        }
        return result
    }
}
