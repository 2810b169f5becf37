public import NIOCore

extension ClientAddress {
    /// Writes `json` into `buffer` without building intermediate strings: the same keys, order,
    /// escaping and bytes (a test compares the two), for the hot `/whoami` path.
    public func writeJSON(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"client\":")
        Self.writeAddress(address, into: &buffer)
        buffer.writeStaticString(",\"client_port\":")
        Self.writeNumber(port, into: &buffer)
        buffer.writeStaticString(",\"peer\":")
        Self.writeAddress(peer.address, into: &buffer)
        buffer.writeStaticString(",\"scheme\":")
        Self.writeString(scheme, into: &buffer)
        buffer.writeStaticString(",\"host\":")
        if let host { Self.writeString(host, into: &buffer) } else { buffer.writeStaticString("null") }
        buffer.writeStaticString(",\"port\":")
        Self.writeNumber(forwardedPort, into: &buffer)
        buffer.writeStaticString(",\"prefix\":")
        if let prefix { Self.writeString(prefix, into: &buffer) } else { buffer.writeStaticString("null") }
        buffer.writeStaticString(",\"via\":\"")
        buffer.writeString(via.rawValue)
        buffer.writeStaticString("\",\"chain\":[")
        var first = true
        for hop in chain {
            if !first { buffer.writeStaticString(",") }
            first = false
            Self.writeAddress(hop.address, into: &buffer)
        }
        buffer.writeStaticString("]")
        if chain.omittedCount > 0 {
            buffer.writeStaticString(",\"chain_omitted\":")
            Self.writeNumber(UInt16(clamping: chain.omittedCount), into: &buffer)
        }
        buffer.writeStaticString(",\"decision\":\"")
        buffer.writeString(decisionName)
        buffer.writeStaticString("\"")
        if let disagreement {
            buffer.writeStaticString(",\"disagreement\":{\"decided_by\":\"")
            buffer.writeString(disagreement.decidedBy.rawValue)
            buffer.writeStaticString("\",\"overruled\":\"")
            buffer.writeString(disagreement.overruled.rawValue)
            buffer.writeStaticString("\",\"overruled_client\":")
            if let client = disagreement.overruledClient {
                Self.writeAddress(client, into: &buffer)
            } else {
                buffer.writeStaticString("null")
            }
            buffer.writeStaticString(",\"walk_decision\":\"")
            buffer.writeString(disagreement.walkDecision.name)
            buffer.writeStaticString("\"}")
        }
        buffer.writeStaticString("}")
    }

    /// `"192.0.2.1"` (digits written directly), `"2001:db8::1"`, or `"unix"`.
    static func writeAddress(_ address: IPAddress?, into buffer: inout ByteBuffer) {
        guard let address else {
            buffer.writeStaticString("\"unix\"")
            return
        }
        buffer.writeStaticString("\"")
        if let v4 = address.ipv4Bits {
            for shift in stride(from: 24, through: 0, by: -8) {
                ResponseEncoder.writeDecimal(Int((v4 >> UInt32(shift)) & 0xFF), into: &buffer)
                if shift > 0 { buffer.writeStaticString(".") }
            }
        } else {
            buffer.writeString(address.description)
        }
        buffer.writeStaticString("\"")
    }

    static func writeNumber(_ value: UInt16?, into buffer: inout ByteBuffer) {
        if let value {
            ResponseEncoder.writeDecimal(Int(value), into: &buffer)
        } else {
            buffer.writeStaticString("null")
        }
    }

    /// A JSON string literal with the core's escaping: `"`, `\`, `\n`, `\r`, `\t`, other control
    /// characters, DEL, U+2028 and U+2029 as `\uXXXX`.
    static func writeString(_ text: String, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("\"")
        let needsEscaping = text.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xE2 }
        if !needsEscaping {
            buffer.writeString(text)
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": buffer.writeStaticString("\\\"")
                case "\\": buffer.writeStaticString("\\\\")
                case "\n": buffer.writeStaticString("\\n")
                case "\r": buffer.writeStaticString("\\r")
                case "\t": buffer.writeStaticString("\\t")
                case _
                where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                    let hex = String(scalar.value, radix: 16)
                    buffer.writeStaticString("\\u")
                    buffer.writeString(String(repeating: "0", count: 4 - hex.count) + hex)
                default:
                    buffer.writeString(String(scalar))
                }
            }
        }
        buffer.writeStaticString("\"")
    }
}
