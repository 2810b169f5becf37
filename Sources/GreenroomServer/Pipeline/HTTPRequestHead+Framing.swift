import NIOHTTP1

/// How a decoded request's body is framed, once its head passed the checks NIO's decoder leaves
/// to the server.
enum RequestFraming: Equatable {
    /// `Content-Length` bytes follow (0 when the request has no body).
    case length(Int)
    /// A chunked body follows.
    case chunked
}

/// What the checks of a decoded head decided.
enum HeadVerdict: Equatable {
    /// Serve it; its body is framed so.
    case accepted(RequestFraming)
    /// Answer with the failure's status and close; no handler sees it.
    case refused(HTTPFailure)
}

extension HTTPRequestHead {
    /// The RFC 9112 checks llhttp does not make, in one pass over the header fields without
    /// building a string:
    ///
    /// - `Host` ([RFC 9112 §3.2](https://www.rfc-editor.org/rfc/rfc9112#section-3.2)): exactly
    ///   one on HTTP/1.1, at most one on HTTP/1.0, with a valid authority; else 400.
    /// - `Transfer-Encoding` ([§6.1](https://www.rfc-editor.org/rfc/rfc9112#section-6.1),
    ///   [§6.3](https://www.rfc-editor.org/rfc/rfc9112#section-6.3)): `chunked` must be the
    ///   final coding and appear once, else 400; any other coding before it is one we do not
    ///   implement, 501. On HTTP/1.0 the framing is faulty whatever it says: 400.
    ///
    func verdict() -> HeadVerdict {
        var hosts = 0
        var transferEncoding = TransferEncodingScan()
        var contentLength = 0
        for (name, value) in headers {
            let bytes = name.utf8
            // Only three names matter; their lengths tell most others apart without a compare.
            switch bytes.count {
            case 4 where Self.named(bytes, "host"):
                hosts += 1
                if !Self.isValidHost(value.utf8) { return .refused(.badRequest) }
            case 14 where Self.named(bytes, "content-length"):
                // llhttp already refused malformed and conflicting lengths.
                contentLength = Int(value) ?? 0
            case 17 where Self.named(bytes, "transfer-encoding"):
                transferEncoding.add(value.utf8)
            default:
                continue
            }
        }
        let http11 = version.major == 1 && version.minor >= 1
        if hosts > 1 || (http11 && hosts == 0) { return .refused(.badRequest) }
        switch transferEncoding.verdict {
        case .absent: return .accepted(.length(contentLength))
        case .chunked where http11: return .accepted(.chunked)
        case .chunked, .malformed: return .refused(.badRequest)
        case .unknownCoding: return .refused(.notImplemented)
        }
    }

    /// Makes an absolute-form target's authority the request's `Host`
    /// ([RFC 9112 §3.2.2](https://www.rfc-editor.org/rfc/rfc9112#section-3.2.2): the server
    /// ignores the `Host` field then), so the handler and the trust layer see the host the
    /// client addressed. Returns `false` when that authority is empty or not a valid host; an
    /// origin-form target (`/path`) changes nothing, without allocating.
    mutating func adoptTargetAuthority() -> Bool {
        let bytes = uri.utf8
        // The same reading of "absolute-form" as the handler's `Request.path`.
        guard bytes.first != UInt8(ascii: "/"), let index = Request.authorityStart(bytes) else { return true }
        let end =
            bytes[index...].firstIndex {
                $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#")
            } ?? bytes.endIndex
        let authority = String(uri[index..<end])
        guard !authority.isEmpty, Self.isValidHost(authority.utf8) else { return false }
        headers.replaceOrAdd(name: "Host", value: authority)
        return true
    }

    /// `true` when `name` is `lowercase` ignoring ASCII case (`lowercase` holds letters and `-`).
    @inline(__always)
    static func named(_ name: String.UTF8View, _ lowercase: StaticString) -> Bool {
        lowercase.withUTF8Buffer { expected in
            guard name.count == expected.count else { return false }
            var index = 0
            for byte in name {
                guard byte | 0x20 == expected[index] else { return false }
                index += 1
            }
            return true
        }
    }

    /// A `Host` value ([RFC 9110 §7.2](https://www.rfc-editor.org/rfc/rfc9110#section-7.2)):
    /// `uri-host [":" port]`, stricter than RFC 3986 on purpose: a name may hold only letters,
    /// digits and `-._~`; percent-escapes and the sub-delimiters RFC 3986 allows (`,;!$&'()*+=`)
    /// are injection characters for any app that echoes the host, so they are refused with
    /// spaces, quotes, `/`, `@`, `\`, control and non-ASCII bytes. An IP literal is `[` hex
    /// digits, `:` and `.` `]`. The port is up to five digits. An empty value is valid (a target
    /// without authority); surrounding whitespace is ignored.
    static func isValidHost(_ value: String.UTF8View) -> Bool {
        var bytes = value[...]
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            bytes = bytes.dropFirst()
        }
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            bytes = bytes.dropLast()
        }
        guard !bytes.isEmpty else { return true }

        var index = bytes.startIndex
        if bytes[index] == UInt8(ascii: "[") {
            index = bytes.index(after: index)
            var colons = 0
            while index < bytes.endIndex, bytes[index] != UInt8(ascii: "]") {
                let byte = bytes[index]
                if byte == UInt8(ascii: ":") {
                    colons += 1
                } else if !(byte.isHexDigit || byte == UInt8(ascii: ".")) {
                    return false
                }
                index = bytes.index(after: index)
            }
            guard index < bytes.endIndex, colons >= 2 else { return false }
            index = bytes.index(after: index)
        } else {
            var length = 0
            while index < bytes.endIndex, bytes[index] != UInt8(ascii: ":") {
                guard bytes[index].isHostNameByte else { return false }
                length += 1
                index = bytes.index(after: index)
            }
            guard length > 0 else { return false }
        }
        guard index < bytes.endIndex else { return true }
        guard bytes[index] == UInt8(ascii: ":") else { return false }
        index = bytes.index(after: index)
        var digits = 0
        while index < bytes.endIndex {
            guard bytes[index].isDigit, digits < 5 else { return false }
            digits += 1
            index = bytes.index(after: index)
        }
        return true
    }
}

/// Reads every `Transfer-Encoding` field in order as one list
/// ([RFC 9110 §5.3](https://www.rfc-editor.org/rfc/rfc9110#section-5.3)): empty elements are
/// skipped, elements are trimmed of spaces and tabs, and only the final one may be `chunked`.
private struct TransferEncodingScan {
    enum Verdict {
        /// No `Transfer-Encoding` field.
        case absent
        /// Exactly `chunked`.
        case chunked
        /// `chunked` is final, after a coding we do not implement.
        case unknownCoding
        /// `chunked` is not final, or appears twice: the length cannot be known.
        case malformed
    }

    private var present = false
    private var elements = 0
    private var chunkedSeen = false
    private var chunkedRepeated = false
    /// The last element seen so far is `chunked`.
    private var lastIsChunked = false

    mutating func add(_ value: String.UTF8View) {
        present = true
        var start = value.startIndex
        while true {
            let end = value[start...].firstIndex(of: UInt8(ascii: ",")) ?? value.endIndex
            var element = value[start..<end]
            while let first = element.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                element = element.dropFirst()
            }
            while let last = element.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
                element = element.dropLast()
            }
            if !element.isEmpty {
                elements += 1
                let isChunked = element.elementsEqual("chunked".utf8) { $0 | 0x20 == $1 }
                if isChunked {
                    if chunkedSeen { chunkedRepeated = true }
                    chunkedSeen = true
                }
                lastIsChunked = isChunked
            }
            guard end < value.endIndex else { break }
            start = value.index(after: end)
        }
    }

    var verdict: Verdict {
        guard present else { return .absent }
        guard lastIsChunked, !chunkedRepeated else { return .malformed }
        return elements == 1 ? .chunked : .unknownCoding
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }

    fileprivate var isHexDigit: Bool {
        isDigit || (self | 0x20 >= UInt8(ascii: "a") && self | 0x20 <= UInt8(ascii: "f"))
    }

    /// Letters, digits and the unreserved `-._~` of RFC 3986.
    fileprivate var isHostNameByte: Bool {
        isDigit || (self | 0x20 >= UInt8(ascii: "a") && self | 0x20 <= UInt8(ascii: "z"))
            || self == UInt8(ascii: "-") || self == UInt8(ascii: ".") || self == UInt8(ascii: "_")
            || self == UInt8(ascii: "~")
    }
}
