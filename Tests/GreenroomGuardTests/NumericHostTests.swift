import GreenroomConfigParsing
import GreenroomCore
import Testing

@testable import GreenroomGuard

/// Hosts a resolver turns into addresses although they are not dotted quads (`inet_aton` forms).
@Suite struct NumericHostTests {
    @Test(arguments: [
        ("0", "0.0.0.0"),
        ("127.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("10.1.2", "10.1.0.2"),
        ("2130706433", "127.0.0.1"),
        ("0.0.0.0", "0.0.0.0"),
        ("::", "::"),
    ])
    func shortFormsAreAddresses(_ host: String, _ expected: String) throws {
        #expect(IPAddress(numericHost: host) == IPAddress(expected))
    }

    @Test(arguments: ["", "app", "1.2.3.4.5", "256.1", "1..2", "0x", "09", "4294967296", "localhost", "1e3"])
    func namesAndOverflowsAreNot(_ host: String) {
        #expect(IPAddress(numericHost: host) == nil)
    }

    @Test func zeroIsAWildcardDestination() {
        #expect(
            ProxyEndpoint(.tcp(host: "0", port: 8000), at: SourceLocation(file: "t.conf", line: 1, column: 1))
                .isWildcard
        )
        #expect(
            !ProxyEndpoint(.tcp(host: "app", port: 8000), at: SourceLocation(file: "t.conf", line: 1, column: 1))
                .isWildcard
        )
    }
}
