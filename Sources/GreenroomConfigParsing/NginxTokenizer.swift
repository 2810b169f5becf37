/// Splits nginx configuration text into ``NginxToken``s exactly as nginx does.
///
/// A transcription of the state machine of `ngx_conf_read_token()` in nginx's
/// `src/core/ngx_conf_file.c` (https://github.com/nginx/nginx/blob/master/src/core/ngx_conf_file.c):
///
/// - words are separated by space, tab, CR and LF; `;` and `{` end a word, `}` does not;
/// - `#` starts a comment only at the start of a word (`a#b` is one word);
/// - `"..."` and `'...'` quote a whole word and only at its start (`a"b"` is the word `a"b"`); a
///   closing quote must be followed by whitespace, `;`, `{` or `)`;
/// - `\` makes the next byte part of the word, inside or outside quotes; the value then unescapes
///   `\"`, `\'`, `\\`, `\t`, `\r`, `\n` and keeps any other `\x` as written;
/// - `${` does not open a block (`${name}` is a variable);
/// - a word or comment whose bytes reach 4096 before it ends is refused ("too long parameter").
///
/// Unlike nginx, NUL and other control bytes (except tab, LF, VT, FF, CR) are refused anywhere,
/// so binary garbage gets one clear error instead of a misleading one. Linear time, no recursion.
package struct NginxTokenizer: Sendable {
    /// nginx's `NGX_CONF_BUFFER`: the longest span of bytes one word may occupy.
    package static let maximumWordLength = 4096

    let bytes: [UInt8]
    let file: String
    var position = 0
    var line = 1
    var lineStart = 0
    /// nginx's `start`: where the current word (or comment) began. nginx refuses to read on once
    /// ``maximumWordLength`` bytes from it are buffered, and so do we.
    private var spanStart = 0
    private var pending: NginxToken? = nil
    // The state of ngx_conf_read_token(), kept between words of one directive.
    private var lastSpace = true
    private var needSpace = false
    private var comment = false
    private var variable = false
    private var escaped = false
    private var quote = NginxToken.Quote.none
    private var wordStart = 0
    private var wordLine = 1
    private var wordColumn = 1
    /// The last line on which a byte that is not ASCII was read (0: none yet). Columns count
    /// bytes, which equal the characters an editor counts only on ASCII lines.
    package internal(set) var lastNonASCIILine = 0

    /// Creates a tokenizer over the bytes of one file.
    ///
    /// - Parameter file: the path used in error locations.
    package init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    private func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// Returns the next token, or `nil` at the end of the input.
    ///
    /// - Throws: ``ConfigParseError`` with code `binaryData`, `unexpectedToken`,
    ///   `unexpectedEndOfFile` or `tooLongParameter`, located at the offending byte or word.
    package mutating func next() throws(ConfigParseError) -> NginxToken? {
        if let token = pending {
            pending = nil
            return token
        }
        while position < bytes.count {
            if position - spanStart >= Self.maximumWordLength { throw tooLong() }
            let index = position
            let (ch, column) = try consumeByte(expecting: "nginx configuration text")
            if ch == UInt8(ascii: "\n") { comment = false }
            if comment { continue }
            if escaped {
                escaped = false
                continue
            }
            if needSpace {
                if Self.isSpace(ch) {
                    lastSpace = true
                    needSpace = false
                    continue
                }
                if ch == UInt8(ascii: ";") { return punctuation(.semicolon, column: column) }
                if ch == UInt8(ascii: "{") { return punctuation(.blockStart, column: column) }
                guard ch == UInt8(ascii: ")") else {
                    throw ConfigParseError(
                        .unexpectedToken,
                        "unexpected \"\(Self.printable(ch))\" after a quoted word",
                        at: location(line: line, column: column)
                    )
                }
                lastSpace = true
                needSpace = false
            }
            if lastSpace {
                spanStart = index
                wordStart = index
                wordLine = line
                wordColumn = column
                if Self.isSpace(ch) { continue }
                lastSpace = false
                switch ch {
                case UInt8(ascii: ";"): return punctuation(.semicolon, column: column)
                case UInt8(ascii: "{"): return punctuation(.blockStart, column: column)
                case UInt8(ascii: "}"): return punctuation(.blockEnd, column: column)
                case UInt8(ascii: "#"):
                    lastSpace = true
                    comment = true
                case UInt8(ascii: "\\"):
                    escaped = true
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    spanStart = index + 1
                    wordStart = index + 1
                    quote = ch == UInt8(ascii: "\"") ? .double : .single
                case UInt8(ascii: "$"):
                    variable = true
                default:
                    break
                }
                continue
            }
            if ch == UInt8(ascii: "{") && variable { continue }
            variable = false
            if ch == UInt8(ascii: "\\") {
                escaped = true
                continue
            }
            if ch == UInt8(ascii: "$") {
                variable = true
                continue
            }
            switch quote {
            case .double where ch == UInt8(ascii: "\""), .single where ch == UInt8(ascii: "'"):
                needSpace = true
            case .double, .single:
                continue
            case .none:
                guard Self.isSpace(ch) || ch == UInt8(ascii: ";") || ch == UInt8(ascii: "{") else { continue }
                lastSpace = true
            }
            let word = NginxToken(
                .word,
                Self.unescape(bytes[wordStart..<index]),
                quote: quote,
                line: wordLine,
                column: wordColumn
            )
            quote = .none
            if ch == UInt8(ascii: ";") {
                pending = punctuation(.semicolon, column: column)
            } else if ch == UInt8(ascii: "{") {
                pending = punctuation(.blockStart, column: column)
            }
            return word
        }
        if !lastSpace {
            let start = location(line: wordLine, column: wordColumn)
            if quote != .none {
                throw ConfigParseError(
                    .unexpectedEndOfFile,
                    "unexpected end of file inside the quoted word that starts here (missing closing "
                        + (quote == .double ? "'\"')" : "\"'\")"),
                    at: start
                )
            }
            throw ConfigParseError(.unexpectedEndOfFile, "unexpected end of file, expecting \";\" or \"}\"", at: start)
        }
        return nil
    }

    /// A `;`, `{` or `}` ends what ngx_conf_read_token() reads in one call: the state starts over.
    private mutating func punctuation(_ kind: NginxToken.Kind, column: Int) -> NginxToken {
        startOver()
        let text = kind == .semicolon ? ";" : kind == .blockStart ? "{" : "}"
        return NginxToken(kind, text, line: line, column: column)
    }

    /// Reads the next byte and its column: counts lines, notes lines that are not ASCII, and
    /// refuses control bytes other than tab, LF, VT, FF and CR (`expecting` says what was
    /// expected instead, for the error).
    @inline(__always)
    mutating func consumeByte(expecting: StaticString) throws(ConfigParseError) -> (byte: UInt8, column: Int) {
        let byte = bytes[position]
        let column = position - lineStart + 1
        position += 1
        if byte >= 0x80 { lastNonASCIILine = line }
        if byte < 0x20 && !(byte >= 0x09 && byte <= 0x0D) || byte == 0x7F {
            throw ConfigParseError(
                .binaryData,
                "binary data (byte 0x\(Self.hex(byte))) where \(expecting) was expected",
                at: location(line: line, column: column)
            )
        }
        if byte == UInt8(ascii: "\n") {
            line += 1
            lineStart = position
        }
        return (byte, column)
    }

    /// The state at the start of a directive's next word, as after `;`, `{` or `}`.
    mutating func startOver() {
        spanStart = position
        lastSpace = true
        needSpace = false
        variable = false
        escaped = false
        comment = false
        quote = .none
    }

    private func tooLong() -> ConfigParseError {
        let excerpt = String(decoding: bytes[spanStart..<min(spanStart + 10, bytes.count)], as: UTF8.self)
        let hint = quote == .none ? "" : ", probably a missing closing quote"
        return ConfigParseError(
            .tooLongParameter,
            "too long parameter \"\(excerpt)...\": nginx refuses a word or comment of \(Self.maximumWordLength) "
                + "bytes or more\(hint)",
            at: location(line: wordLine, column: wordColumn)
        )
    }

    @inline(__always)
    static func isSpace(_ ch: UInt8) -> Bool {
        ch == UInt8(ascii: " ") || ch == UInt8(ascii: "\t") || ch == UInt8(ascii: "\r") || ch == UInt8(ascii: "\n")
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    static func printable(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + hex(byte)
    }

    /// nginx's unescaping of a finished word.
    static func unescape(_ raw: ArraySlice<UInt8>) -> String {
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            let byte = raw[i]
            if byte == UInt8(ascii: "\\"), i + 1 < raw.endIndex {
                switch raw[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"):
                    out.append(raw[i + 1])
                    i += 2
                    continue
                case UInt8(ascii: "t"):
                    out.append(0x09)
                    i += 2
                    continue
                case UInt8(ascii: "r"):
                    out.append(0x0D)
                    i += 2
                    continue
                case UInt8(ascii: "n"):
                    out.append(0x0A)
                    i += 2
                    continue
                default:
                    break
                }
            }
            out.append(byte)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
