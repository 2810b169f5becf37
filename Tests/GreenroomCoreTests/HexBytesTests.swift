import Testing

@testable import GreenroomCore

@Suite("HexBytes: --proxy-hex decoding")
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
}
