import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// The tokenizer must split text exactly as nginx's ngx_conf_read_token() does.
@Suite struct NginxTokenizerTests {
    /// Tokens rendered compactly: words as-is (quoted ones with their quote), punctuation bare.
    static func render(_ text: String) throws -> [String] {
        var tokenizer = NginxTokenizer(bytes: Array(text.utf8), file: "t.conf")
        var out: [String] = []
        while let token = try tokenizer.next() {
            switch (token.kind, token.quote) {
            case (.word, .double): out.append("\"\(token.value)\"")
            case (.word, .single): out.append("'\(token.value)'")
            default: out.append(token.value)
            }
        }
        return out
    }

    @Test(arguments: [
        ("a b;", ["a", "b", ";"]),
        ("a \"b c\";", ["a", "\"b c\"", ";"]),
        ("a 'it\\'s';", ["a", "'it's'", ";"]),
        ("a \"x\\\"y\";", ["a", "\"x\"y\"", ";"]),
        ("a \"semi;colon\" c;", ["a", "\"semi;colon\"", "c", ";"]),
        ("a b\\;c;", ["a", "b\\;c", ";"]),
        ("a \\\"b;", ["a", "\"b", ";"]),
        ("a#b c;", ["a#b", "c", ";"]),
        ("a # comment ; { }\n b;", ["a", "b", ";"]),
        ("a \"# not a comment\";", ["a", "\"# not a comment\"", ";"]),
        ("set ${x}y 1;", ["set", "${x}y", "1", ";"]),
        ("a {b;}", ["a", "{", "b", ";", "}"]),
        ("a{b;}", ["a", "{", "b", ";", "}"]),
        ("a b}c;", ["a", "b}c", ";"]),
        ("if ($a = \"b\") { }", ["if", "($a", "=", "\"b\"", ")", "{", "}"]),
        ("a \"\" '';", ["a", "\"\"", "''", ";"]),
        ("a \"\\t\\n\\\\\\q\";", ["a", "\"\t\n\\\\q\"", ";"]),
        ("a\r\nb;\r\n", ["a", "b", ";"]),
        ("a \"b\"{ }", ["a", "\"b\"", "{", "}"]),
        ("a \"b\";c;", ["a", "\"b\"", ";", "c", ";"]),
        ("location ~ \"^/x{2}$\" { }", ["location", "~", "\"^/x{2}$\"", "{", "}"]),
        ("log '$a \"$b\"';", ["log", "'$a \"$b\"'", ";"]),
        ("# only a comment", []),
        ("", []),
    ])
    func tokens(_ input: String, _ expected: [String]) throws {
        #expect(try Self.render(input) == expected)
    }

    @Test func quotedWordsMaySpanLinesAndPositionsFollow() throws {
        var tokenizer = NginxTokenizer(bytes: Array("a \"one\ntwo\"\n  b;".utf8), file: "t.conf")
        let a = try #require(try tokenizer.next())
        let quoted = try #require(try tokenizer.next())
        let b = try #require(try tokenizer.next())
        #expect((a.line, a.column) == (1, 1))
        #expect(quoted.value == "one\ntwo" && (quoted.line, quoted.column) == (1, 3))
        #expect(b.value == "b" && (b.line, b.column) == (3, 3))
    }

    @Test(arguments: [
        ("a \"unterminated", "unexpectedEndOfFile", 1, 3),
        ("a 'unterminated\n\n", "unexpectedEndOfFile", 1, 3),
        ("\n\n  a \"b\"c;", "unexpectedToken", 3, 8),
        ("a\u{0}b;", "binaryData", 1, 2),
        ("ok;\n  \u{1}", "binaryData", 2, 3),
        ("a b", "unexpectedEndOfFile", 1, 3),
        ("a \\", "unexpectedEndOfFile", 1, 3),
    ])
    func errorsAreLocated(_ input: String, _ code: String, _ line: Int, _ column: Int) throws {
        let error = try #require(throws: ConfigParseError.self) { try Self.render(input) }
        #expect(error.code.name == code)
        #expect(error.location == SourceLocation(file: "t.conf", line: line, column: column), "\(error)")
    }

    /// nginx refuses a word once 4096 bytes of it are buffered (verified against nginx 1.22:
    /// 4095 bytes before `;` pass, 4096 fail; a whitespace-ended word fails one byte earlier).
    @Test(arguments: [
        ("add_header X-A " + String(repeating: "y", count: 4095) + ";", true),
        ("add_header X-A " + String(repeating: "y", count: 4096) + ";", false),
        ("add_header X" + String(repeating: "y", count: 4094) + " a;", false),
        ("add_header X" + String(repeating: "y", count: 4093) + " a;", true),
        ("add_header X-A \"" + String(repeating: "y", count: 4094) + "\";", true),
        ("add_header X-A \"" + String(repeating: "y", count: 4095) + "\";", false),
        ("#" + String(repeating: "x", count: 4094) + "\nhttp { }", true),
        ("#" + String(repeating: "x", count: 4095) + "\nhttp { }", false),
    ])
    func wordLengthLimitMatchesNginx(_ input: String, _ accepted: Bool) throws {
        if accepted {
            #expect(throws: Never.self) { try Self.render(input) }
        } else {
            let error = try #require(throws: ConfigParseError.self) { try Self.render(input) }
            #expect(error.code == .tooLongParameter)
        }
    }
}
