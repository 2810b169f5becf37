/// One request header as a person types it on a command line: `Name: value`.
package enum HeaderLine {
    /// Parses `Name: value`: the name must be an RFC 9110 token, the value (without surrounding
    /// spaces and tabs) must not contain control characters other than tab, which no server's
    /// HTTP parser lets through (and which explain would otherwise echo to a terminal).
    ///
    /// - Throws: ``FlagError`` for `--header`, quoting the line (or, for a bad value, the name).
    package static func parse(_ line: String) throws(FlagError) -> (name: String, value: String) {
        guard let colon = line.firstIndex(of: ":") else {
            throw FlagError(flag: "--header", message: "--header '\(line)': expected 'Name: value'")
        }
        let name = line[..<colon]
        let value = line[line.index(after: colon)...].trimmingASCIIWhitespace()
        guard !name.isEmpty, name.utf8.allSatisfy(ASCII.isTokenChar) else {
            throw FlagError(flag: "--header", message: "--header '\(line)': '\(name)' is not a valid header name")
        }
        guard !value.utf8.contains(where: { ($0 < 0x20 && $0 != UInt8(ascii: "\t")) || $0 == 0x7F }) else {
            throw FlagError(
                flag: "--header",
                message: "--header '\(name)': the value contains a control character (CR, LF, NUL, ESC, DEL, ...)"
            )
        }
        return (String(name), String(value))
    }
}
