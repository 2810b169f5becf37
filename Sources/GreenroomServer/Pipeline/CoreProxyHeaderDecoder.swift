import GreenroomCore

/// ``ProxyHeaderDecoding`` backed by GreenroomCore's PROXY protocol codec.
struct CoreProxyHeaderDecoder: ProxyHeaderDecoding {
    /// The largest version 2 header accepted.
    var maxV2Length = ProxyProtocol.defaultMaxV2Length

    func detect(_ bytes: ArraySlice<UInt8>) -> ProxyHeaderDetection {
        switch ProxyProtocol.detect(bytes) {
        case .v1, .v2: .proxyHeader
        case .notProxy: .notProxyHeader
        case .needMoreBytes: .needMoreBytes
        }
    }

    func parse(_ bytes: ArraySlice<UInt8>) throws -> ProxyHeaderParse {
        switch try ProxyProtocol.parse(bytes, maxV2Length: maxV2Length) {
        case .needMoreBytes:
            return .needMoreBytes
        case .complete(let header, let consumed):
            let tls = header.ssl?.client.contains(.ssl) ?? false
            return .complete(source: header.sourcePeer, tls: tls, consumed: consumed)
        }
    }
}
