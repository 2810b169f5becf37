// fuzz-sources: Sources/GreenroomCore
// libFuzzer harness for the forwarded-header resolver (X-Forwarded-*, RFC 7239 Forwarded).
//
// The input is split at '\n' into header lines; the first byte picks the header names.
// Invariants checked on every input, under every policy and mode:
// - never crash, never hang (the walk is linear and capped at maxHops);
// - an untrusted peer is always the client, with the socket's scheme;
// - a client taken from a header is either the peer or an address that occurs in the input.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForwardedResolver(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let selector = bytes[0]
    let names = [
        "X-Forwarded-For", "Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port",
        "X-Forwarded-Prefix", "Host", "x-forwarded-for",
    ]
    var headers: [(name: String, value: String)] = []
    var index = 0
    for line in bytes.dropFirst().split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        let name = names[(Int(selector) &+ index) % names.count]
        headers.append((name, String(decoding: line, as: UTF8.self)))
        index += 1
    }
    let trusted = try! TrustedProxies(parsing: ["loopback", "10.0.0.0/8", "2001:db8::/32"])
    let local = Peer.ip(.loopbackV4, port: 1)
    let stranger = Peer.ip(IPAddress(ipv4: 0xC633_6401), port: 2)
    let text = String(decoding: bytes, as: UTF8.self).lowercased()
    for policy in ForwardedResolver.HeaderPolicy.allCases {
        for mode in [ForwardedResolver.Mode.walk, .hops(2)] {
            let resolver = ForwardedResolver(trusted: trusted, policy: policy, mode: mode, maxHops: 16)
            let untrusted = resolver.resolve(peer: stranger, headers: headers)
            precondition(untrusted.address == stranger.address && untrusted.scheme == "http")
            let result = resolver.resolve(peer: local, headers: headers)
            if let address = result.address, address != IPAddress.loopbackV4 {
                // Compare loosely: the input may spell the address differently (case, zeros, mapping).
                precondition(result.via != .peer)
                precondition(address.family == .v6 || text.contains(address.description), "client not in input")
            }
            precondition(result.chain.count <= 17)
        }
    }
    return 0
}
