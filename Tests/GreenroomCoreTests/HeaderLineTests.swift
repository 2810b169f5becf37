import Testing

@testable import GreenroomCore

@Suite("HeaderLine: --header parsing")
struct HeaderLineTests {
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
