import NIOCore
import NIOHTTP1

/// Writes HTTP/1.1 response heads straight into a `ByteBuffer`: static bytes for the status
/// line and the server's own headers, the cached `Date` line, and validated application headers.
enum ResponseEncoder {
    /// How the body is delimited.
    enum Framing: Equatable {
        /// `Content-Length: n`.
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
        /// The body ends when the connection closes (HTTP/1.0 stream of unknown length).
        case untilClose
        /// No body may follow (1xx, 204, 304): no length header.
        case none
    }

    /// A header the application set that cannot be sent.
    struct InvalidHeader: Error, CustomStringConvertible {
        let name: String
        var description: String { "response header '\(name)' has an invalid name or a CR, LF or NUL in its value" }
    }

    /// `HTTP/1.1 100 Continue\r\n\r\n`.
    static let continueBytes = ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")

    /// What the application's headers say about the server's own headers.
    struct HeaderScan {
        var hasDate = false
        var hasServer = false
        var wantsClose = false
    }

    /// Writes the head. `keepAlive` decides the `Connection` header: `close` when false, and
    /// `keep-alive` for HTTP/1.0 clients that asked for it.
    static func writeHead(
        into buffer: inout ByteBuffer,
        status: HTTPResponseStatus,
        headers: HTTPHeaders,
        scan: HeaderScan,
        serverLine: [UInt8]?,
        framing: Framing,
        keepAlive: Bool,
        http10: Bool
    ) throws(InvalidHeader) {
        writeStatusLine(status, into: &buffer)
        if let serverLine, !scan.hasServer { buffer.writeBytes(serverLine) }
        if !scan.hasDate { buffer.writeBytes(DateCache.current.line) }
        for (name, value) in headers where !isFramingHeader(name) {
            guard isToken(name), isFieldValue(value) else { throw InvalidHeader(name: name) }
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        switch framing {
        case .length(let length):
            buffer.writeStaticString("Content-Length: ")
            writeDecimal(length, into: &buffer)
            buffer.writeStaticString("\r\n")
        case .chunked:
            buffer.writeStaticString("Transfer-Encoding: chunked\r\n")
        case .untilClose, .none:
            break
        }
        if !keepAlive {
            buffer.writeStaticString("Connection: close\r\n")
        } else if http10 {
            buffer.writeStaticString("Connection: keep-alive\r\n")
        }
        buffer.writeStaticString("\r\n")
    }

    /// Looks for the application's `Date`, `Server` and `Connection: close` headers.
    static func scan(_ headers: HTTPHeaders) -> HeaderScan {
        var scan = HeaderScan()
        for (name, value) in headers {
            switch name.utf8.count {
            case 4 where equalsIgnoringCase(name, "date"): scan.hasDate = true
            case 6 where equalsIgnoringCase(name, "server"): scan.hasServer = true
            case 10 where equalsIgnoringCase(name, "connection"):
                if value.lowercased().contains("close") { scan.wantsClose = true }
            default: break
            }
        }
        return scan
    }

    /// Writes one chunk of a chunked body: `size\r\nbytes\r\n`.
    static func writeChunk(_ body: ByteBuffer, into buffer: inout ByteBuffer) {
        writeHex(body.readableBytes, into: &buffer)
        buffer.writeStaticString("\r\n")
        var body = body
        buffer.writeBuffer(&body)
        buffer.writeStaticString("\r\n")
    }

    /// `0\r\n\r\n`.
    static let lastChunk = ByteBuffer(string: "0\r\n\r\n")

    static func writeStatusLine(_ status: HTTPResponseStatus, into buffer: inout ByteBuffer) {
        switch status {
        case .ok: buffer.writeStaticString("HTTP/1.1 200 OK\r\n")
        case .notFound: buffer.writeStaticString("HTTP/1.1 404 Not Found\r\n")
        default:
            buffer.writeStaticString("HTTP/1.1 ")
            writeDecimal(Int(status.code), into: &buffer)
            buffer.writeStaticString(" ")
            buffer.writeString(status.reasonPhrase)
            buffer.writeStaticString("\r\n")
        }
    }

    static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        precondition(value >= 0)
        if value < 10 {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt64, UInt64) = (0, 0)  // up to 16 digits, written right to left
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            while rest > 0, count < 16 {
                raw[15 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: raw[(16 - count)...]))
        }
    }

    static func writeHex(_ value: Int, into buffer: inout ByteBuffer) {
        let hex = String(value, radix: 16)
        buffer.writeString(hex)
    }

    static func isFramingHeader(_ name: String) -> Bool {
        switch name.utf8.count {
        case 10: equalsIgnoringCase(name, "connection")
        case 14: equalsIgnoringCase(name, "content-length")
        case 17: equalsIgnoringCase(name, "transfer-encoding")
        default: false
        }
    }

    /// RFC 9110 token characters.
    static func isToken(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
                UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// A field value without CR, LF or NUL (the bytes that would split or end the head).
    static func isFieldValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    static func equalsIgnoringCase(_ name: String, _ lower: StaticString) -> Bool {
        guard name.utf8.count == lower.utf8CodeUnitCount else { return false }
        var index = 0
        for byte in name.utf8 {
            let folded = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            if folded != lower.utf8Start[index] { return false }
            index += 1
        }
        return true
    }
}
