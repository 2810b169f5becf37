/// Splits one HAProxy configuration file into sections and their keyword lines.
///
/// Follows HAProxy's reader (configuration manual, "2.2. Quoting and escaping"):
///
/// - one keyword line per physical line (there is no line continuation);
/// - words are separated by blanks; a word may mix plain text, `"double-quoted"` text (where `\`
///   escapes the next character) and `'single-quoted'` text (literal); outside quotes `\` escapes
///   the next character, so `\ ` is a space inside a word and `\#` a literal `#`;
/// - an unquoted, unescaped `#` starts a comment that runs to the end of the line;
/// - a line whose first word is a section keyword (`global`, `defaults`, `frontend`, `backend`,
///   `listen`, ...) starts a new section; every other line belongs to the section above it.
///   Lines of the conditional preprocessor (`.if`, `.else`, `.endif`, ...) are kept where they
///   stand (their content is not evaluated: every branch counts).
///
/// `${NAME}` environment references are kept as written. NUL and other control bytes, an
/// unterminated quote, a line longer than ``maximumLineBytes`` and a keyword line before any
/// section are refused, located.
package enum HAProxyParser {
    /// The section keywords HAProxy knows (3.x).
    package static let sectionKeywords: Set<String> = [
        "global", "defaults", "frontend", "backend", "listen", "resolvers", "peers", "userlist", "mailers",
        "program", "http-errors", "ring", "cache", "log-forward", "fcgi-app", "crt-store", "traces", "acme",
    ]

    /// The longest line accepted (HAProxy's own default is 2048; some builds raise it).
    package static let maximumLineBytes = 65_536
    /// The most words on one line (HAProxy refuses more than 64).
    package static let maximumWords = 1_024

    /// Parses one file's bytes.
    ///
    /// - Parameter file: the path used in locations.
    /// - Throws: ``ConfigParseError`` located at the offending line and column.
    package static func parse(_ bytes: [UInt8], file: String) throws(ConfigParseError) -> [HAProxySection] {
        var sections: [HAProxySection] = []
        var lineNumber = 0
        var lineStart = 0
        while lineStart < bytes.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            if lineEnd - lineStart > maximumLineBytes {
                throw ConfigParseError(
                    .tooLongParameter,
                    "a line of \(lineEnd - lineStart) bytes, more than the \(maximumLineBytes) accepted",
                    at: SourceLocation(file: file, line: lineNumber, column: 1)
                )
            }
            let words = try splitLine(bytes[lineStart..<lineEnd], file: file, line: lineNumber)
            guard let first = words.first else { continue }
            let location = SourceLocation(file: file, line: lineNumber, column: first.column)
            let line = HAProxyLine(words: words.map(\.text), columns: words.map(\.column), location: location)
            let keyword = first.text.lowercased()
            if sectionKeywords.contains(keyword) {
                sections.append(HAProxySection(header: line))
            } else if sections.isEmpty {
                if keyword.hasPrefix(".") { continue }
                throw ConfigParseError(
                    .unexpectedToken,
                    "'\(first.text)' outside of any section (start with global, defaults, frontend, backend or listen)",
                    at: location
                )
            } else {
                sections[sections.count - 1].lines.append(line)
            }
        }
        return sections
    }

    /// The words of one line with their 1-based byte columns; quotes and escapes removed.
    static func splitLine(
        _ line: ArraySlice<UInt8>,
        file: String,
        line lineNumber: Int
    ) throws(ConfigParseError) -> [(text: String, column: Int)] {
        var words: [(text: String, column: Int)] = []
        var current: [UInt8] = []
        var inWord = false
        var wordColumn = 0
        var quote: UInt8?
        var quoteColumn = 0
        var index = line.startIndex
        func column(_ at: Int) -> Int { at - line.startIndex + 1 }
        func finishWord() throws(ConfigParseError) {
            guard inWord else { return }
            guard words.count < maximumWords else {
                throw ConfigParseError(
                    .tooLongParameter,
                    "more than \(maximumWords) words on one line",
                    at: SourceLocation(file: file, line: lineNumber, column: wordColumn)
                )
            }
            words.append((String(decoding: current, as: UTF8.self), wordColumn))
            current.removeAll(keepingCapacity: true)
            inWord = false
        }
        while index < line.endIndex {
            let byte = line[index]
            if byte < 0x20 && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\r") || byte == 0x7F {
                throw ConfigParseError(
                    .binaryData,
                    "binary data (byte 0x\(NginxTokenizer.hex(byte))) where HAProxy configuration text was expected",
                    at: SourceLocation(file: file, line: lineNumber, column: column(index))
                )
            }
            if let open = quote {
                if byte == open {
                    quote = nil
                } else if open == UInt8(ascii: "\""), byte == UInt8(ascii: "\\"), index + 1 < line.endIndex {
                    index += 1
                    current.append(line[index])
                } else {
                    current.append(byte)
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                try finishWord()
            case UInt8(ascii: "#"):
                try finishWord()
                return words
            default:
                if !inWord {
                    inWord = true
                    wordColumn = column(index)
                }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                    quoteColumn = column(index)
                } else if byte == UInt8(ascii: "\\"), index + 1 < line.endIndex {
                    index += 1
                    current.append(line[index])
                } else {
                    current.append(byte)
                }
            }
            index += 1
        }
        if quote != nil {
            throw ConfigParseError(
                .unexpectedEndOfFile,
                "the quote opened here is not closed on this line",
                at: SourceLocation(file: file, line: lineNumber, column: quoteColumn)
            )
        }
        try finishWord()
        return words
    }
}

/// One keyword line of an HAProxy configuration: its words (quotes and escapes removed) and
/// where each starts.
package struct HAProxyLine: Sendable, Hashable {
    /// The words, the keyword first.
    package var words: [String]
    /// The 1-based column of each word.
    package var columns: [Int]
    /// Where the line's first word is.
    package var location: SourceLocation

    /// The keyword, in lower case.
    package var keyword: String { words.first?.lowercased() ?? "" }
    /// The words after the keyword.
    package var arguments: ArraySlice<String> { words.dropFirst() }

    /// The location of word `index` (0 is the keyword).
    package func location(ofWord index: Int) -> SourceLocation {
        SourceLocation(
            file: location.file,
            line: location.line,
            column: columns.indices.contains(index) ? columns[index] : 1
        )
    }
}

/// One section: `frontend web`, `backend app`, `defaults`, ... and its lines.
package struct HAProxySection: Sendable, Hashable {
    /// The section's own line (`backend app`).
    package var header: HAProxyLine
    /// The lines inside it, in order.
    package var lines: [HAProxyLine] = []

    /// `frontend`, `backend`, `listen`, `defaults`, `global`, ...
    package var kind: String { header.keyword }
    /// The name (`app` in `backend app`), or `nil` (`global`, an unnamed `defaults`).
    package var name: String? {
        guard let word = header.words.dropFirst().first, word.lowercased() != "from" else { return nil }
        return word
    }
    /// The named `defaults` section this one inherits from (`backend app from base`), if named.
    package var defaultsName: String? {
        guard let from = header.words.firstIndex(where: { $0.lowercased() == "from" }),
            header.words.indices.contains(from + 1)
        else { return nil }
        return header.words[from + 1]
    }
}
