// fuzz-sources: Sources/GreenroomCore
// fuzz-options: -max_len=1024
//
// libFuzzer harness for the PROXY protocol codec (`Tests/Fuzz/run.sh FuzzProxyProtocol`).
// Besides "no crash, no hang, no read past the input" (ASan), it checks the codec's promises:
// - parse either throws a PROXY error, needs more bytes, or returns a header and a length within
//   the input; detect agrees with it;
// - the bytes after the header never change the result;
// - every prefix of a parsed header needs more bytes, never more than the header has;
// - a parsed header re-encodes to bytes that parse to the same header.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProxyProtocol(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let detection = ProxyProtocol.detect(bytes)
    let largest = 16 + 65535
    let result: ProxyProtocol.ParseResult
    do {
        result = try ProxyProtocol.parse(bytes[...], maxV2Length: largest)
    } catch {
        check(error.code == .invalidProxyHeader || error.code == .proxyHeaderChecksumMismatch, "code \(error.code)")
        check(error.reason.hasPrefix("PROXY"), "reason '\(error.reason)'")
        return 0
    }
    switch result {
    case .needMoreBytes(let atLeast):
        check(atLeast >= 1, "asked for \(atLeast) bytes")
        check(detection != .notProxy, "detect said notProxy, parse wants more")
    case .complete(let header, let consumed):
        check(consumed >= 15 && consumed <= bytes.count, "consumed \(consumed) of \(bytes.count)")
        check(detection == (header.version == .v1 ? .v1 : .v2), "detect said \(detection) for \(header.version)")
        // Only the header's own bytes matter.
        let exact = parse(bytes[..<consumed], maxV2Length: largest)
        check(exact == .complete(header, consumed: consumed), "header alone parsed as \(exact)")
        checkPrefixes(Array(bytes[..<consumed]), maxV2Length: largest)
        // The default bound only refuses headers longer than it.
        let bounded = Result { () throws(GreenroomError) in try ProxyProtocol.parse(bytes[...]) }
        switch bounded {
        case .success(let value): check(value == result, "default bound changed the result")
        case .failure: check(consumed > ProxyProtocol.defaultMaxV2Length, "default bound refused \(consumed) bytes")
        }
        // Re-encode, re-parse.
        let encoded = header.encoded()
        let reparsed = parse(encoded[...], maxV2Length: largest)
        check(reparsed == .complete(header, consumed: encoded.count), "\(header) re-encoded parses as \(reparsed)")
        // Every accessor must be safe on every parsed header.
        _ = header.description
        _ = header.sourcePeer?.description
        _ = header.destinationPeer
        _ = (header.alpn, header.authority, header.uniqueID, header.networkNamespace, header.crc32c)
        var count = 0
        for tlv in header.tlvs { count += 3 + tlv.value.count }
        check(count == header.tlvBytes.count, "TLVs cover \(count) of \(header.tlvBytes.count) bytes")
        if let ssl = header.ssl {
            _ = (ssl.version, ssl.commonName, ssl.cipher, ssl.signatureAlgorithm, ssl.keyAlgorithm)
            _ = ssl.clientCertificateVerified
            for sub in ssl.subTLVs { _ = sub.type.description }
        }
    }
    return 0
}

/// Every prefix of a complete header needs more bytes, and never more than the header has.
/// Long headers are sampled so one input stays fast.
func checkPrefixes(_ header: [UInt8], maxV2Length: Int) {
    let step = max(1, header.count / 64)
    for length in stride(from: 0, to: header.count, by: step) {
        let result = parse(header[..<length], maxV2Length: maxV2Length)
        guard case .needMoreBytes(let atLeast) = result else {
            fail("prefix \(length)/\(header.count) gave \(result)")
        }
        check(atLeast >= 1 && length + atLeast <= header.count, "prefix \(length)/\(header.count) asked for \(atLeast)")
    }
}

func parse(_ bytes: ArraySlice<UInt8>, maxV2Length: Int) -> ProxyProtocol.ParseResult {
    do {
        return try ProxyProtocol.parse(bytes, maxV2Length: maxV2Length)
    } catch {
        fail("refused what it accepted before: \(error.reason)")
    }
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
}

func fail(_ message: String) -> Never {
    fatalError("FuzzProxyProtocol invariant broken: \(message)")
}
