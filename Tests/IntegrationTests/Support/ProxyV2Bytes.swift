/// PROXY protocol v2 headers written out byte by byte from the specification
/// (https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt, section 2.2), independent of
/// Greenroom's own codec, for tests that forge them.
enum ProxyV2Bytes {
    /// The 12-byte signature every v2 header starts with.
    static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]

    /// A `PROXY` command over TCP/IPv4 from `source` to `destination`, ports 4711 → 80, with
    /// `tlvs` appended as given.
    static func tcp4(source: [UInt8], destination: [UInt8], tlvs: [UInt8] = []) -> [UInt8] {
        let length = 12 + tlvs.count
        return signature + [0x21, 0x11, UInt8(length >> 8), UInt8(length & 0xFF)] + source + destination
            + [0x12, 0x67, 0x00, 0x50] + tlvs
    }

    /// A `LOCAL` command (a health check from the proxy itself: keep the socket's addresses).
    static let local: [UInt8] = signature + [0x20, 0x00, 0x00, 0x00]
}
