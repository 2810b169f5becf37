import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// This host's interface addresses (`getifaddrs(3)`), for choosing where to listen and what the
/// bypass rule should reach.
enum LiveNetwork {
    struct Address: Sendable, Hashable {
        let interface: String
        /// The address as text, without brackets or zone.
        let text: String
        let isIPv6: Bool
    }

    /// The addresses of the interfaces that are up.
    static func addresses() -> [Address] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var result: [Address] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard entry.pointee.ifa_flags & UInt32(IFF_UP) != 0, let raw = entry.pointee.ifa_addr else { continue }
            let family = Int32(raw.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
            guard getnameinfo(raw, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            let name = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let text = name.split(separator: "%").first.map(String.init) ?? ""
            result.append(
                Address(interface: String(cString: entry.pointee.ifa_name), text: text, isIPv6: family == AF_INET6)
            )
        }
        return result
    }

    /// Non-loopback IPv4 addresses (where a 0.0.0.0 listener is reachable).
    static var externalIPv4: [String] {
        Array(Set(addresses().filter { !$0.isIPv6 && !$0.text.hasPrefix("127.") }.map(\.text))).sorted()
    }

    /// A private (RFC 1918 or unique-local) address of this host, if it has one.
    static var privateAddress: Address? {
        addresses().first { address in
            let text = address.text.lowercased()
            if address.isIPv6 { return text.hasPrefix("fd") || text.hasPrefix("fc") }
            let octets = text.split(separator: ".").compactMap { Int($0) }
            guard octets.count == 4 else { return false }
            return octets[0] == 10 || (octets[0] == 172 && (16...31).contains(octets[1]))
                || (octets[0] == 192 && octets[1] == 168)
        }
    }
}
