/// Builds the directive tree of one Apache httpd configuration file.
///
/// Follows httpd 2.4's reader (`server/util.c`, `server/config.c`,
/// https://httpd.apache.org/docs/2.4/configuring.html#syntax):
///
/// - one directive per line; a line ending in `\` continues on the next (the `\` and the line
///   break are removed), even when the line is a comment;
/// - a line whose first non-blank character is `#` is a comment; `#` anywhere else is an argument;
/// - arguments are separated by blanks; an argument starting with `"` or `'` runs to the matching
///   quote (`\"` escapes it); `\\` is a backslash;
/// - `<Name args>` opens a section that `</Name>` closes, names compared case-insensitively; each
///   file is balanced on its own.
///
/// NUL and other control bytes are refused. `Include` directives are left for ``ApacheConfig``.
/// Iterative: deeply nested sections cannot overflow the stack.
package enum ApacheParser {
    /// The deepest nesting of sections accepted in one file.
    package static let maximumNesting = 64

    /// Parses one file's bytes.
    ///
    /// - Parameter file: the path used in locations.
    /// - Throws: ``ConfigParseError`` located at the offending line.
    package static func parse(_ bytes: [UInt8], file: String) throws(ConfigParseError) -> [ApacheDirective] {
        var stack: [(opener: ApacheDirective?, children: [ApacheDirective])] = [(nil, [])]
        var index = 0
        var lineNumber = 1
        var logical: [UInt8] = []
        while index < bytes.count {
            // Read one logical line: physical lines joined by trailing backslashes.
            logical.removeAll(keepingCapacity: true)
            let firstLine = lineNumber
            var firstColumn = 0
            var lineStart = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x20 && !(byte >= 0x09 && byte <= 0x0D) || byte == 0x7F {
                    throw ConfigParseError(
                        .binaryData,
                        "binary data (byte 0x\(NginxTokenizer.hex(byte))) where Apache configuration text was expected",
                        at: SourceLocation(file: file, line: lineNumber, column: index - lineStart + 1)
                    )
                }
                index += 1
                if byte != UInt8(ascii: "\n") {
                    logical.append(byte)
                    continue
                }
                lineNumber += 1
                if logical.last == UInt8(ascii: "\r") { logical.removeLast() }
                guard logical.last == UInt8(ascii: "\\") else { break }
                logical.removeLast()
                lineStart = index
            }
            if logical.last == UInt8(ascii: "\r") { logical.removeLast() }
            var start = 0
            while start < logical.count && isBlank(logical[start]) { start += 1 }
            var end = logical.count
            while end > start && isBlank(logical[end - 1]) { end -= 1 }
            if start == end || logical[start] == UInt8(ascii: "#") { continue }
            firstColumn = start + 1
            let location = SourceLocation(file: file, line: firstLine, column: firstColumn)
            let line = logical[start..<end]

            if line.first == UInt8(ascii: "<") {
                let closing = line.count > 1 && line[line.startIndex + 1] == UInt8(ascii: "/")
                var nameEnd = line.startIndex + (closing ? 2 : 1)
                let nameStart = nameEnd
                while nameEnd < line.endIndex && !isBlank(line[nameEnd]) && line[nameEnd] != UInt8(ascii: ">") {
                    nameEnd += 1
                }
                let name = String(decoding: line[nameStart..<nameEnd], as: UTF8.self)
                guard line.last == UInt8(ascii: ">"), !name.isEmpty else {
                    throw ConfigParseError(
                        .mismatchedSection,
                        "<\(closing ? "/" : "")\(name)> directive missing closing '>'",
                        at: location
                    )
                }
                if closing {
                    guard stack.count > 1, var opener = stack.last?.opener else {
                        throw ConfigParseError(
                            .mismatchedSection,
                            "</\(name)> without matching <\(name)> section",
                            at: location
                        )
                    }
                    guard opener.key == name.lowercased() else {
                        throw ConfigParseError(
                            .mismatchedSection,
                            "expected </\(opener.name)> (opened at line \(opener.location.line)) but saw </\(name)>",
                            at: location
                        )
                    }
                    opener.children = stack.removeLast().children
                    stack[stack.count - 1].children.append(opener)
                    continue
                }
                guard stack.count <= maximumNesting else {
                    throw ConfigParseError(
                        .nestingTooDeep,
                        "sections nested more than \(maximumNesting) deep",
                        at: location
                    )
                }
                let arguments = words(line[nameEnd..<(line.endIndex - 1)])
                stack.append((ApacheDirective(name: name, arguments: arguments, location: location, children: []), []))
                continue
            }
            var nameEnd = line.startIndex
            while nameEnd < line.endIndex && !isBlank(line[nameEnd]) { nameEnd += 1 }
            let name = String(decoding: line[line.startIndex..<nameEnd], as: UTF8.self)
            stack[stack.count - 1].children.append(
                ApacheDirective(name: name, arguments: words(line[nameEnd...]), location: location)
            )
        }
        if stack.count > 1, let opener = stack.last?.opener {
            throw ConfigParseError(
                .mismatchedSection,
                "<\(opener.name)> was not closed: </\(opener.name)> is missing",
                at: opener.location
            )
        }
        return stack[0].children
    }

    /// Parses text (for tests and snippets).
    package static func parse(_ text: String, file: String = "<input>") throws(ConfigParseError) -> [ApacheDirective] {
        try parse(Array(text.utf8), file: file)
    }

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == 0x0B || byte == 0x0C
    }

    /// httpd's `ap_getword_conf()`, applied until the text is used up.
    static func words(_ text: ArraySlice<UInt8>) -> [ApacheDirective.Argument] {
        var result: [ApacheDirective.Argument] = []
        var i = text.startIndex
        while true {
            while i < text.endIndex && isBlank(text[i]) { i += 1 }
            guard i < text.endIndex else { return result }
            let quote = text[i]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                var end = i + 1
                while end < text.endIndex && text[end] != quote {
                    if text[end] == UInt8(ascii: "\\"), end + 1 < text.endIndex,
                        text[end + 1] == quote || text[end + 1] == UInt8(ascii: "\\")
                    {
                        end += 2
                    } else {
                        end += 1
                    }
                }
                result.append(.init(unescape(text[(i + 1)..<min(end, text.endIndex)], quote: quote), quoted: true))
                i = min(end + 1, text.endIndex)
            } else {
                var end = i
                while end < text.endIndex && !isBlank(text[end]) { end += 1 }
                result.append(.init(unescape(text[i..<end], quote: nil)))
                i = end
            }
        }
    }

    /// httpd's `substring_conf()`: `\\` is `\`, and inside quotes `\<quote>` is the quote.
    static func unescape(_ raw: ArraySlice<UInt8>, quote: UInt8?) -> String {
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        var i = raw.startIndex
        while i < raw.endIndex {
            if raw[i] == UInt8(ascii: "\\"), i + 1 < raw.endIndex,
                raw[i + 1] == UInt8(ascii: "\\") || (quote != nil && raw[i + 1] == quote)
            {
                out.append(raw[i + 1])
                i += 2
            } else {
                out.append(raw[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
