import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

@Suite struct NginxParserTests {
    @Test func buildsTheDirectiveTreeWithLocations() throws {
        let text = """
            http {
                server {
                    listen 80;
                    location / { proxy_pass "http://127.0.0.1:8000"; }
                }
            }
            """
        let directives = try NginxParser.parse(text, file: "n.conf")
        #expect(directives.count == 1)
        let server = try #require(directives[0].block?.first)
        #expect(server.name == "server" && server.location == SourceLocation(file: "n.conf", line: 2, column: 5))
        let location = try #require(server.children(named: "location").first)
        #expect(location.values == ["/"])
        let proxyPass = try #require(location.block?.first)
        #expect(proxyPass.name == "proxy_pass" && proxyPass.values == ["http://127.0.0.1:8000"])
        #expect(proxyPass.arguments[0].quote == .double)
        #expect(proxyPass.arguments[0].location == SourceLocation(file: "n.conf", line: 4, column: 33))
        #expect(server.children(named: "listen").first?.block == nil)
    }

    @Test(arguments: [
        (";", "unexpectedToken", 1, 1),
        ("\n  {", "unexpectedToken", 2, 3),
        ("}", "unexpectedToken", 1, 1),
        ("a { b }", "unexpectedToken", 1, 7),
        ("a b", "unexpectedEndOfFile", 1, 3),
        ("x;\nserver {\n listen 80;\n", "unexpectedEndOfFile", 2, 1),
        ("a { b; } }", "unexpectedToken", 1, 10),
    ])
    func structuralErrorsAreLocated(_ text: String, _ code: String, _ line: Int, _ column: Int) throws {
        let error = try #require(throws: ConfigParseError.self) { try NginxParser.parse(text, file: "n.conf") }
        #expect(error.code.name == code)
        #expect(error.location == SourceLocation(file: "n.conf", line: line, column: column), "\(error)")
    }

    @Test func deepNestingIsRefusedNotOverflowed() throws {
        let deep = String(repeating: "a {", count: 100_000)
        let error = try #require(throws: ConfigParseError.self) { try NginxParser.parse(deep) }
        #expect(error.code == .nestingTooDeep)
        let fine = String(repeating: "a {", count: 60) + String(repeating: "}", count: 60)
        #expect(try NginxParser.parse(fine).count == 1)
    }

    @Test func binaryGarbageGivesOneClearError() throws {
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<200 {
            let bytes = (0..<512).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            do {
                _ = try NginxParser.parse(bytes, file: "garbage.conf")
            } catch {
                let location = try #require(error.location)
                #expect(location.line >= 1 && location.column >= 1)
                #expect(!error.message.isEmpty)
            }
        }
        let error = try #require(throws: ConfigParseError.self) {
            try NginxParser.parse([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00], file: "a.out")
        }
        #expect(error.code == .binaryData)
        #expect(error.description == "a.out:1:1: binary data (byte 0x7f) where nginx configuration text was expected")
    }
}

/// A tiny deterministic generator for reproducible "random" inputs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
