/// The PROXY protocol, versions 1 (text) and 2 (binary): a header a proxy sends before the
/// client's bytes to tell the server who the client is.
///
/// Specification: HAProxy's "The PROXY protocol, Versions 1 & 2"
/// (<https://www.haproxy.org/download/2.6/doc/proxy-protocol.txt>).
///
/// Parsing is incremental and allocation-free (except for a UNIX-socket header, whose two paths
/// are boxed to keep the common IP header small): give `parse(_:maxV2Length:)` whatever bytes have
/// arrived; it answers ``ParseResult/needMoreBytes(atLeast:)`` until the header is complete, then
/// ``ParseResult/complete(_:consumed:)`` with the header and its exact length, so the bytes that
/// follow it in the same read (the HTTP request) stay for the next parser. Bytes past the end of
/// the header are never consumed and never change the result. A server in `optional` mode first
/// asks ``detect(_:)`` whether the connection speaks the protocol at all.
///
/// The parser is strict: anything that does not exactly match the specification throws a
/// ``GreenroomError`` with code ``GreenroomError/Code/invalidProxyHeader`` (or
/// ``GreenroomError/Code/proxyHeaderChecksumMismatch``) whose reason names the offending field.
public enum ProxyProtocol {
    /// The protocol version of a header.
    public enum Version: UInt8, Sendable, Hashable, CaseIterable {
        /// Version 1: one line of text, `PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n`.
        case v1 = 1
        /// Version 2: a binary header with a 12-byte signature and optional TLVs.
        case v2 = 2
    }

    /// What the first bytes of a connection say about the PROXY protocol.
    public enum Detection: Sendable, Hashable {
        /// The bytes start with `PROXY`: a version 1 header (which may still be malformed).
        case v1
        /// The bytes start with the version 2 signature (the header may still be malformed).
        case v2
        /// The bytes cannot start a PROXY header: the connection speaks something else (HTTP).
        case notProxy
        /// The bytes so far are a prefix of both a PROXY header and something else; read more.
        case needMoreBytes
    }

    /// The outcome of `parse(_:maxV2Length:)`.
    public enum ParseResult: Sendable, Hashable {
        /// The header is not complete yet: read at least this many more bytes and parse again
        /// (from the start of the connection's bytes). The count never overshoots the header.
        case needMoreBytes(atLeast: Int)
        /// A complete, valid header occupying the first `consumed` bytes of the input.
        case complete(ProxyHeader, consumed: Int)
    }

    /// The 12-byte signature that starts every version 2 header: `\r\n\r\n\0\r\nQUIT\n`.
    public static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]

    /// The longest version 1 line, CRLF included: `PROXY UNKNOWN` with two full IPv6 addresses.
    public static let v1MaxLength = 107

    /// The size of the fixed part of a version 2 header (signature, version/command,
    /// family/transport, length).
    public static let v2FixedLength = 16

    /// The default bound on a whole version 2 header (fixed part, addresses and TLVs), in bytes.
    ///
    /// The wire format allows up to 16 + 65535 bytes; real proxies send well under 1 KB (HAProxy
    /// with every SSL TLV: about 150 bytes; a UNIX-socket header: 232 bytes). 4096 leaves room for
    /// large custom TLVs while bounding what an unauthenticated peer can make the server buffer.
    public static let defaultMaxV2Length = 4096

    /// Decides from the first bytes of a connection whether it starts with a PROXY header.
    ///
    /// Decides as early as possible: `G` (of `GET`) is `.notProxy` after one byte, `PROPFIND`
    /// after five. Version 1 is recognised by `PROXY` (5 bytes), version 2 by its 12-byte
    /// signature. Only use this where the configuration says the header is optional: the
    /// specification warns that guessing lets clients that reach the port directly spoof it, so
    /// Greenroom only accepts a header from a trusted peer.
    @inlinable
    public static func detect(_ bytes: some Collection<UInt8>) -> Detection {
        var index = 0
        var mayBeV1 = true
        var mayBeV2 = true
        for byte in bytes {
            if mayBeV1, byte != v1Prefix(index) { mayBeV1 = false }
            if mayBeV2, byte != v2SignatureByte(index) { mayBeV2 = false }
            index += 1
            if !mayBeV1 && !mayBeV2 { return .notProxy }
            if mayBeV1 && index == 5 { return .v1 }
            if mayBeV2 && index == 12 { return .v2 }
        }
        return .needMoreBytes
    }

    /// Parses a PROXY header (either version) from the start of `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: the connection's bytes from its first byte on; may be incomplete and may carry
    ///     the application's bytes after the header.
    ///   - maxV2Length: the largest whole version 2 header accepted, in bytes
    ///     (``defaultMaxV2Length``); a longer declared length throws at once, before the bytes arrive.
    /// - Returns: ``ParseResult/needMoreBytes(atLeast:)`` or ``ParseResult/complete(_:consumed:)``.
    /// - Throws: ``GreenroomError/Code/invalidProxyHeader`` (as soon as the bytes cannot become a
    ///   valid header) or ``GreenroomError/Code/proxyHeaderChecksumMismatch``.
    public static func parse(
        _ bytes: ArraySlice<UInt8>,
        maxV2Length: Int = defaultMaxV2Length
    ) throws(GreenroomError) -> ParseResult {
        guard let first = bytes.first else { return .needMoreBytes(atLeast: 15) }
        switch first {
        case UInt8(ascii: "P"): return try parseV1(bytes)
        case 0x0D: return try parseV2(bytes, maxLength: maxV2Length)
        default:
            throw GreenroomError(
                .invalidProxyHeader,
                "PROXY: the connection does not start with a PROXY header (first byte 0x\(hex(first)))"
            )
        }
    }

    /// Parses a PROXY header from the start of `bytes`; see the `ArraySlice` overload.
    @inlinable
    public static func parse(
        _ bytes: [UInt8],
        maxV2Length: Int = defaultMaxV2Length
    ) throws(GreenroomError)
        -> ParseResult
    {
        try parse(bytes[...], maxV2Length: maxV2Length)
    }

    @inlinable
    static func v1Prefix(_ index: Int) -> UInt8 {
        switch index {
        case 0: UInt8(ascii: "P")
        case 1: UInt8(ascii: "R")
        case 2: UInt8(ascii: "O")
        case 3: UInt8(ascii: "X")
        case 4: UInt8(ascii: "Y")
        default: UInt8(ascii: " ")
        }
    }

    @inlinable
    static func v2SignatureByte(_ index: Int) -> UInt8 {
        switch index {
        case 0, 2, 5: 0x0D
        case 1, 3, 6, 11: 0x0A
        case 4: 0x00
        case 7: 0x51
        case 8: 0x55
        case 9: 0x49
        default: 0x54
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
