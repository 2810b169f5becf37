import GreenroomCore
import GreenroomServer
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#endif

/// Micro-benchmarks of GreenroomCore's hot paths, each against a peer in the same run.
enum CoreBench {
    struct Case {
        let name: String
        let target: String
        let peerName: String
        let body: () -> Void
        let peer: () -> Void
    }

    static func run(arguments: [String]) {
        var iterations = 200_000
        if let index = arguments.firstIndex(of: "--iterations"), index + 1 < arguments.count,
            let value = Int(arguments[index + 1])
        {
            iterations = value
        }
        var filter: String?
        if let index = arguments.firstIndex(of: "--filter"), index + 1 < arguments.count {
            filter = arguments[index + 1]
        }
        var skipPeers = arguments.contains("--no-peers")
        if filter == nil { skipPeers = false }
        print(
            "greenroom-bench core: \(iterations) iterations x 7 rounds, fastest round; allocations counted: \(Measure.countsAllocations)"
        )
        print(
            pad("case", 34) + pad("ns/op", 9, right: true) + pad("allocs", 8, right: true) + "  " + pad("target", 9)
                + pad("peer (same run)", 34) + pad("ns/op", 9, right: true) + pad("allocs", 8, right: true)
                + pad("ratio", 8, right: true)
        )
        for benchCase in cases() where filter.map({ benchCase.name.contains($0) }) ?? true {
            let ours = Measure.run(iterations: iterations, benchCase.body)
            let peer = skipPeers ? ours : Measure.run(iterations: iterations, benchCase.peer)
            print(
                pad(benchCase.name, 34) + pad(fixed(ours.nanosecondsPerOperation), 9, right: true)
                    + pad(fixed(ours.allocationsPerOperation, 2), 8, right: true) + "  " + pad(benchCase.target, 9)
                    + pad(benchCase.peerName, 34) + pad(fixed(peer.nanosecondsPerOperation), 9, right: true)
                    + pad(fixed(peer.allocationsPerOperation, 2), 8, right: true)
                    + pad(fixed(ours.nanosecondsPerOperation / peer.nanosecondsPerOperation, 2) + "x", 8, right: true)
            )
        }
        print("ratio = ours / peer (lower is faster)")
    }

    static func cases() -> [Case] {
        let trusted = try! TrustedProxies(parsing: ["loopback", "10.0.0.0/8"])
        let resolver = ForwardedResolver(trusted: trusted)
        let forwardedResolver = ForwardedResolver(trusted: trusted, policy: .forwarded)
        let peer = Peer.ip(.loopbackV4, port: 40000)
        let xffHeaders: [(name: String, value: String)] = [
            ("Host", "example.com"), ("User-Agent", "curl/8.0"), ("Accept", "*/*"),
            ("X-Forwarded-For", "203.0.113.7, 10.0.0.3, 10.0.0.2"), ("X-Forwarded-Proto", "https"),
        ]
        let nioHeaders = HTTPHeaders(xffHeaders)
        let forwardedHeaders: [(name: String, value: String)] = [
            ("Host", "example.com"), ("User-Agent", "curl/8.0"), ("Accept", "*/*"),
            ("Forwarded", "for=203.0.113.7;proto=https, for=10.0.0.3, for=\"10.0.0.2:4711\""),
        ]
        let v1Bytes = Array("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\n".utf8)[...]
        let v2Header = try! ProxyHeader(
            addresses: .inet(
                source: IPAddress("203.0.113.7")!,
                sourcePort: 56324,
                destination: IPAddress("10.0.0.2")!,
                destinationPort: 443
            ),
            tlvs: [.init(type: .alpn, text: "h2"), .init(type: .authority, text: "example.com")]
        )
        let v2Bytes = (v2Header.encoded() + Array("GET / HTTP/1.1\r\n".utf8))[...]
        let whoami = resolver.resolve(peer: peer, headers: xffHeaders)
        nonisolated(unsafe) var whoamiBuffer = ByteBufferAllocator().buffer(capacity: 1024)
        let v4Text = "203.0.113.7"
        let v6Text = "2001:db8:85a3::8a2e:370:7334"
        return [
            Case(
                name: "PROXY v1 parse (TCP4)",
                target: "<100 ns",
                peerName: "naive split+String v1 parser",
                body: { blackHole(try! ProxyProtocol.parse(v1Bytes)) },
                peer: { blackHole(naiveV1(v1Bytes)) }
            ),
            Case(
                name: "PROXY v2 parse (2 TLVs)",
                target: "<60 ns",
                peerName: "naive Array-copying v2 parser",
                body: { blackHole(try! ProxyProtocol.parse(v2Bytes)) },
                peer: { blackHole(naiveV2(v2Bytes)) }
            ),
            Case(
                name: "IPv4 parse",
                target: "-",
                peerName: "inet_pton(AF_INET)",
                body: { blackHole(IPAddress(v4Text)) },
                peer: { blackHole(ptonV4(v4Text)) }
            ),
            Case(
                name: "IPv6 parse",
                target: "-",
                peerName: "inet_pton(AF_INET6)",
                body: { blackHole(IPAddress(v6Text)) },
                peer: { blackHole(ptonV6(v6Text)) }
            ),
            Case(
                name: "XFF resolve, 3 hops",
                target: "<150 ns",
                peerName: "naive split+String walk",
                body: { blackHole(resolver.resolve(peer: peer, headers: xffHeaders)) },
                peer: { blackHole(naiveResolve(xffHeaders, trusted: trusted)) }
            ),
            Case(
                name: "XFF resolve, 3 hops, HTTPHeaders",
                target: "-",
                peerName: "naive split+String walk",
                body: { blackHole(resolver.resolve(peer: peer, headers: nioHeaders)) },
                peer: { blackHole(naiveResolve(xffHeaders, trusted: trusted)) }
            ),
            Case(
                name: "/whoami JSON, 3-hop chain",
                target: "-",
                peerName: "ClientAddress.json (String)",
                body: {
                    whoamiBuffer.clear()
                    whoami.writeJSON(into: &whoamiBuffer)
                    blackHole(whoamiBuffer.readableBytes)
                },
                peer: { blackHole(whoami.json) }
            ),
            Case(
                name: "Forwarded resolve, 3 hops",
                target: "-",
                peerName: "naive split+String walk",
                body: { blackHole(forwardedResolver.resolve(peer: peer, headers: forwardedHeaders)) },
                peer: { blackHole(naiveForwarded(forwardedHeaders, trusted: trusted)) }
            ),
        ]
    }

    /// The peer for XFF: how a typical framework does it — split into Strings, trim, parse.
    static func naiveResolve(_ headers: [(name: String, value: String)], trusted: TrustedProxies) -> IPAddress? {
        guard let value = headers.first(where: { $0.name.lowercased() == "x-forwarded-for" })?.value else { return nil }
        let hops = value.split(separator: ",").map { String($0.trimmingSpaces()) }
        for hop in hops.reversed() {
            guard let address = IPAddress(hop) else { return nil }
            if !trusted.trusts(address) { return address }
        }
        return hops.first.flatMap { IPAddress($0) }
    }

    /// The peer for Forwarded: split elements and pairs into Strings.
    static func naiveForwarded(_ headers: [(name: String, value: String)], trusted: TrustedProxies) -> IPAddress? {
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
    static func naiveV1(_ bytes: ArraySlice<UInt8>) -> (IPAddress, UInt16)? {
        guard let end = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = String(decoding: bytes[..<end], as: UTF8.self).trimmingCharacters()
        let fields = line.split(separator: " ").map(String.init)
        guard fields.count == 6, fields[0] == "PROXY", let source = IPAddress(fields[2]), IPAddress(fields[3]) != nil,
            let port = UInt16(fields[4]), UInt16(fields[5]) != nil
        else { return nil }
        return (source, port)
    }

    /// The peer for PROXY v2: copy each field into its own Array, collect TLVs into an array.
    static func naiveV2(_ bytes: ArraySlice<UInt8>) -> (IPAddress, [(UInt8, [UInt8])])? {
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
