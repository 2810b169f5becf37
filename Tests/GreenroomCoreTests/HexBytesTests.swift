import Testing

@testable import GreenroomCore

@Suite("HexBytes and HeaderLine: explain's input parsers")
struct HexBytesTests {
    static let valid: [(String, [UInt8])] = [
        ("00ff", [0x00, 0xFF]),
        ("0x0D0a", [0x0D, 0x0A]),
        ("0X0d0A", [0x0D, 0x0A]),
        ("0d:0a 51", [0x0D, 0x0A, 0x51]),
        ("  aB  ", [0xAB]),
    ]

    @Test("decodes either case, with 0x, spaces and colons", arguments: valid)
    func decodes(text: String, bytes: [UInt8]) throws {
        #expect(try HexBytes.decode(text) == bytes)
    }

    static let invalid: [(String, String)] = [
        ("", "--proxy-hex: expected an even number of hex digits"),
        ("abc", "--proxy-hex: expected an even number of hex digits"),
        ("0x", "--proxy-hex: expected an even number of hex digits"),
        ("0g", "--proxy-hex: '0g' is not hexadecimal"),
        ("0x0x", "--proxy-hex: '0x0x' is not hexadecimal"),
        ("\t0a0", "--proxy-hex: '\t0a0' is not hexadecimal"),
        ("é0", "--proxy-hex: 'é0' is not hexadecimal"),
        ("0d0a0", "--proxy-hex: expected an even number of hex digits"),
        ("\t0", "--proxy-hex: '\t0' is not hexadecimal"),
    ]

    @Test("refuses what is not hex, naming the flag", arguments: invalid)
    func refuses(text: String, message: String) {
        let error = #expect(throws: FlagError.self) { try HexBytes.decode(text) }
        #expect(error?.message == message)
    }

    static let headerLines: [(String, String, String)] = [
        ("X-Forwarded-For: 203.0.113.7", "X-Forwarded-For", "203.0.113.7"),
        ("Forwarded:for=1.2.3.4", "Forwarded", "for=1.2.3.4"),
        ("X-Empty:", "X-Empty", ""),
        ("Host: \t example.com:8080 \t", "Host", "example.com:8080"),
        ("X-Colons: a: b: c", "X-Colons", "a: b: c"),
    ]

    @Test("header lines split at the first colon, value trimmed", arguments: headerLines)
    func headerLine(line: String, name: String, value: String) throws {
        let header = try HeaderLine.parse(line)
        #expect(header.name == name)
        #expect(header.value == value)
    }

    /// No server would receive these (its HTTP parser refuses control characters in a value), and
    /// explain would echo an escape sequence of an unparseable hop to the terminal.
    @Test(
        "header values with control characters other than tab are refused",
        arguments: [
            "X-A: a\u{0}b", "X-A: a\nb", "X-A: a\rb", "X-A: 1.2.3.4, \u{1B}[2J", "X-A: 1.2.3.4\u{7F}", "X-A: \u{8}",
        ]
    )
    func headerValueControls(line: String) {
        let message = "--header 'X-A': the value contains a control character (CR, LF, NUL, ESC, DEL, ...)"
        #expect(throws: FlagError(flag: "--header", message: message)) { try HeaderLine.parse(line) }
    }

    @Test("a tab inside a value and non-ASCII text are kept")
    func headerValueTabAndUnicode() throws {
        #expect(try HeaderLine.parse("X-A: a\tb").value == "a\tb")
        #expect(try HeaderLine.parse("X-A: café").value == "café")
    }
}
