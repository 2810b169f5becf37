import GreenroomCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The peers: how a typical framework does the same work (split into Strings, trim, parse, copy),
/// and libc's `inet_pton` for addresses.
enum NaivePeers {
    /// The peer for XFF: how a typical framework does it — split into Strings, trim, parse.
    static func resolve(_ headers: [(name: String, value: String)], trusted: TrustedProxies) -> IPAddress? {
        guard let value = headers.first(where: { $0.name.lowercased() == "x-forwarded-for" })?.value else { return nil }
        let hops = value.split(separator: ",").map { String($0.trimmingSpaces()) }
        for hop in hops.reversed() {
            guard let address = IPAddress(hop) else { return nil }
            if !trusted.trusts(address) { return address }
        }
        return hops.first.flatMap { IPAddress($0) }
    }

    /// The peer for Forwarded: split elements and pairs into Strings.
    static func forwarded(_ headers: [(name: String, value: String)], trusted: TrustedProxies) -> IPAddress? {
        guard let value = headers.first(where: { $0.name.lowercased() == "forwarded" })?.value else { return nil }
        let elements = value.split(separator: ",").map { element in
            element.split(separator: ";").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1)
                return (String(parts[0].trimmingSpaces()).lowercased(), parts.count > 1 ? String(parts[1]) : "")
            }
        }
        for element in elements.reversed() {
            guard var node = element.first(where: { $0.0 == "for" })?.1 else { return nil }
            node = node.replacingQuotes()
            if let colon = node.lastIndex(of: ":"), !node.hasPrefix("[") { node = String(node[..<colon]) }
            guard let address = IPAddress(node) else { return nil }
            if !trusted.trusts(address) { return address }
        }
        return nil
    }

    /// The peer for PROXY v1: decode to a String, split on spaces, convert each field.
    static func v1(_ bytes: ArraySlice<UInt8>) -> (IPAddress, UInt16)? {
        guard let end = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = String(decoding: bytes[..<end], as: UTF8.self).trimmingCharacters()
        let fields = line.split(separator: " ").map(String.init)
        guard fields.count == 6, fields[0] == "PROXY", let source = IPAddress(fields[2]), IPAddress(fields[3]) != nil,
            let port = UInt16(fields[4]), UInt16(fields[5]) != nil
        else { return nil }
        return (source, port)
    }

    /// The peer for PROXY v2: copy each field into its own Array, collect TLVs into an array.
    static func v2(_ bytes: ArraySlice<UInt8>) -> (IPAddress, [(UInt8, [UInt8])])? {
        let all = Array(bytes)
        guard all.count >= 16, Array(all[0..<12]) == ProxyProtocol.v2Signature else { return nil }
        let length = Int(all[14]) << 8 | Int(all[15])
        guard all.count >= 16 + length, all[13] >> 4 == 1 else { return nil }
        let body = Array(all[16..<(16 + length)])
        guard let source = try? IPAddress(bytes: Array(body[0..<4])) else { return nil }
        var tlvs: [(UInt8, [UInt8])] = []
        var index = 12
        while index + 3 <= body.count {
            let size = Int(body[index + 1]) << 8 | Int(body[index + 2])
            guard index + 3 + size <= body.count else { return nil }
            tlvs.append((body[index], Array(body[(index + 3)..<(index + 3 + size)])))
            index += 3 + size
        }
        return (source, tlvs)
    }

    static func ptonV4(_ text: String) -> UInt32 {
        var address = in_addr()
        _ = inet_pton(AF_INET, text, &address)
        return address.s_addr
    }

    static func ptonV6(_ text: String) -> UInt8 {
        var address = in6_addr()
        _ = inet_pton(AF_INET6, text, &address)
        return address.__in6_u.__u6_addr8.0
    }
}

extension StringProtocol {
    func trimmingSpaces() -> SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == " " { start = index(after: start) }
        while end > start, self[index(before: end)] == " " { end = index(before: end) }
        return self[start..<end]
    }

    func replacingQuotes() -> String { String(filter { $0 != "\"" }) }

    func trimmingCharacters() -> String { String(trimmingSpaces().filter { $0 != "\r" }) }
}
