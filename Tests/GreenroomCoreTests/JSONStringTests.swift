import GreenroomCore
import Testing

/// `JSON.string`: the fast path (nothing to escape) and the escaping path give exact JSON.
@Suite struct JSONStringTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("", #""""#),
        ("café €", "\"café €\""),  // 0xE2 lead byte of €, which needs no escape
        ("a\"b", #""a\"b""#),
        ("a\\b", #""a\\b""#),
        ("line\nbreak\r\t", #""line\nbreak\r\t""#),
        ("\u{01}\u{1F}\u{7F}", #""\u0001\u001f\u007f""#),
        ("sep\u{2028}para\u{2029}", #""sep\u2028para\u2029""#),
    ])
    func escapesExactlyWhatJSONNeeds(_ text: String, _ json: String) {
        #expect(JSON.string(text) == json)
    }
}
