import GreenroomCore

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
        if let index = arguments.firstIndex(of: "--filter"), index + 1 < arguments.count { filter = arguments[index + 1] }
        var skipPeers = arguments.contains("--no-peers")
        if filter == nil { skipPeers = false }
        print("greenroom-bench core: \(iterations) iterations x 7 rounds, fastest round; allocations counted: \(Measure.countsAllocations)")
        print(
            pad("case", 34) + pad("ns/op", 9, right: true) + pad("allocs", 8, right: true) + "  " + pad("target", 9)
                + pad("peer (same run)", 34) + pad("ns/op", 9, right: true) + pad("allocs", 8, right: true)
                + pad("ratio", 8, right: true))
        for benchCase in cases() where filter.map({ benchCase.name.contains($0) }) ?? true {
            let ours = Measure.run(iterations: iterations, benchCase.body)
            let peer = skipPeers ? ours : Measure.run(iterations: iterations, benchCase.peer)
            print(
                pad(benchCase.name, 34) + pad(fixed(ours.nanosecondsPerOperation), 9, right: true)
                    + pad(fixed(ours.allocationsPerOperation, 2), 8, right: true) + "  " + pad(benchCase.target, 9)
                    + pad(benchCase.peerName, 34) + pad(fixed(peer.nanosecondsPerOperation), 9, right: true)
                    + pad(fixed(peer.allocationsPerOperation, 2), 8, right: true)
                    + pad(fixed(ours.nanosecondsPerOperation / peer.nanosecondsPerOperation, 2) + "x", 8, right: true))
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
        let forwardedHeaders: [(name: String, value: String)] = [
            ("Host", "example.com"), ("User-Agent", "curl/8.0"), ("Accept", "*/*"),
            ("Forwarded", "for=203.0.113.7;proto=https, for=10.0.0.3, for=\"10.0.0.2:4711\""),
        ]
        let v4Text = "203.0.113.7"
        let v6Text = "2001:db8:85a3::8a2e:370:7334"
        return [
            Case(
                name: "IPv4 parse", target: "-", peerName: "inet_pton(AF_INET)",
                body: { blackHole(IPAddress(v4Text)) },
                peer: { blackHole(ptonV4(v4Text)) }),
            Case(
                name: "IPv6 parse", target: "-", peerName: "inet_pton(AF_INET6)",
                body: { blackHole(IPAddress(v6Text)) },
                peer: { blackHole(ptonV6(v6Text)) }),
            Case(
                name: "XFF resolve, 3 hops", target: "<150 ns", peerName: "naive split+String walk",
                body: { blackHole(resolver.resolve(peer: peer, headers: xffHeaders)) },
                peer: { blackHole(naiveResolve(xffHeaders, trusted: trusted)) }),
            Case(
                name: "resolve, untrusted peer", target: "-", peerName: "naive split+String walk",
                body: { blackHole(resolver.resolve(peer: Peer.ip(IPAddress(ipv4: 0xC6336401), port: 1), headers: xffHeaders)) },
                peer: { blackHole(naiveResolve(xffHeaders, trusted: trusted)) }),
            Case(
                name: "resolve, no headers", target: "-", peerName: "naive split+String walk",
                body: { blackHole(resolver.resolve(peer: peer, headers: [(name: String, value: String)]())) },
                peer: { blackHole(naiveResolve(xffHeaders, trusted: trusted)) }),
            Case(
                name: "resolve, 1 hop only xff", target: "-", peerName: "naive split+String walk",
                body: { blackHole(resolver.resolve(peer: peer, headers: [(name: "X-Forwarded-For", value: "203.0.113.7")])) },
                peer: { blackHole(naiveResolve(xffHeaders, trusted: trusted)) }),
            Case(
                name: "Forwarded resolve, 3 hops", target: "-", peerName: "naive split+String walk",
                body: { blackHole(forwardedResolver.resolve(peer: peer, headers: forwardedHeaders)) },
                peer: { blackHole(naiveForwarded(forwardedHeaders, trusted: trusted)) }),
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
}
