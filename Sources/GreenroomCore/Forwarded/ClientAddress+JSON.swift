extension ClientAddress {
    /// The decision as a stable, kebab-case word for logs and JSON (`untrusted-hop`, ...).
    public var decisionName: String { decision.name }

    /// The result as one JSON object, keys in a fixed order:
    /// `client`, `client_port`, `peer`, `scheme`, `host`, `port`, `prefix`, `via`, `chain`,
    /// `decision`, then `disagreement` only when ``ForwardedResolver/HeaderPolicy/both`` saw the families
    /// disagree: `{"decided_by","overruled","overruled_client","walk_decision"}`. Absent values
    /// are `null`; `client` is `"unix"` for a unix peer.
    public var json: String {
        var out = "{"
        out += "\"client\":" + JSON.string(address?.description ?? "unix")
        out += ",\"client_port\":" + (port.map { String($0) } ?? "null")
        out += ",\"peer\":" + JSON.string(peer.address?.description ?? "unix")
        out += ",\"scheme\":" + JSON.string(scheme)
        out += ",\"host\":" + (host.map(JSON.string) ?? "null")
        out += ",\"port\":" + (forwardedPort.map { String($0) } ?? "null")
        out += ",\"prefix\":" + (prefix.map(JSON.string) ?? "null")
        out += ",\"via\":" + JSON.string(via.rawValue)
        out += ",\"chain\":[" + chain.map { JSON.string($0.description) }.joined(separator: ",") + "]"
        if chain.omittedCount > 0 { out += ",\"chain_omitted\":\(chain.omittedCount)" }
        out += ",\"decision\":" + JSON.string(decisionName)
        if let disagreement {
            out += ",\"disagreement\":{\"decided_by\":" + JSON.string(disagreement.decidedBy.rawValue)
            out += ",\"overruled\":" + JSON.string(disagreement.overruled.rawValue)
            out +=
                ",\"overruled_client\":" + (disagreement.overruledClient.map { JSON.string($0.description) } ?? "null")
            out += ",\"walk_decision\":" + JSON.string(disagreement.walkDecision.name) + "}"
        }
        return out + "}"
    }
}

extension ClientAddress.Decision {
    /// The decision as a stable, kebab-case word for logs and JSON (`untrusted-hop`, ...).
    public var name: String {
        switch self {
        case .peerUntrusted: "peer-untrusted"
        case .noForwardingHeaders: "no-forwarding-headers"
        case .untrustedHop: "untrusted-hop"
        case .allHopsTrusted: "all-hops-trusted"
        case .unparseableHop: "unparseable-hop"
        case .hopLimitReached: "hop-limit-reached"
        case .fixedHopCount: "fixed-hop-count"
        case .tooFewHops: "too-few-hops"
        case .headersDisagree: "headers-disagree"
        }
    }
}

/// Minimal JSON text helpers (GreenroomCore has no Foundation).
public enum JSON {
    /// A JSON string literal for `text`, escaping quotes, backslashes and control characters.
    public static func string(_ text: String) -> String {
        // Most text needs no escape: a byte check, then one copy.
        if !text.utf8.contains(where: needsEscapeCheck) { return "\"" + text + "\"" }
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _
            where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `true` for a byte that may need an escape: `"`, `\`, a control character, DEL, or the
    /// lead byte 0xE2 of U+2028/U+2029 (the slow path decides).
    @inline(__always)
    static func needsEscapeCheck(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F || byte == 0xE2
    }
}
