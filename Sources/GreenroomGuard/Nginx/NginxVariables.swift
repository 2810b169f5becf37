import GreenroomCore

/// What nginx variables in a directive's value can contain.
enum NginxVariables {
    /// The variable names in `value` (`$host`, `${host}` → `host`; `$1` → `1`).
    ///
    /// As nginx's script compiler reads them: a digit 1–9 right after `$` is a regex capture of
    /// that one digit, so `$10` is `$1` then `0` and `$2x` is `$2` then `x`.
    static func names(in value: String) -> [String] {
        var names: [String] = []
        let bytes = Array(value.utf8)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "$") else {
                i += 1
                continue
            }
            i += 1
            var braced = false
            if i < bytes.count && bytes[i] == UInt8(ascii: "{") {
                braced = true
                i += 1
            }
            let start = i
            if !braced, i < bytes.count, bytes[i] >= UInt8(ascii: "1"), bytes[i] <= UInt8(ascii: "9") {
                names.append(String(decoding: bytes[i..<i + 1], as: UTF8.self))
                i += 1
                continue
            }
            while i < bytes.count && isNameByte(bytes[i]) { i += 1 }
            if i > start { names.append(String(decoding: bytes[start..<i], as: UTF8.self)) }
            if braced && i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1 }
        }
        return names
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    /// `true` for a regex capture (`$1`…`$9`).
    static func isCapture(_ name: String) -> Bool { name.allSatisfy(\.isNumber) }

    /// Variables whose value the client chooses: request headers, arguments, cookies, the request
    /// line, and regex captures of it.
    static func isClientControlled(_ name: String) -> Bool {
        let lowered = name.lowercased()
        if isCapture(lowered) { return true }
        for prefix in ["http_", "arg_", "cookie_", "sent_http_"] where lowered.hasPrefix(prefix) { return true }
        return [
            "host", "args", "query_string", "request_uri", "uri", "document_uri", "request", "request_body",
            "request_filename", "remote_user", "content_type", "content_length", "proxy_add_x_forwarded_for",
            "http_host",
        ].contains(lowered)
    }

    /// Variables holding the *decoded* request path, which may contain CR and LF.
    static let decodedPath: Set<String> = ["uri", "document_uri", "request_filename", "fastcgi_path_info"]
}
