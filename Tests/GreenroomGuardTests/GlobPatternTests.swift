import GreenroomConfigParsing
import GreenroomGuard
import Testing

@Suite struct GlobPatternTests {
    @Test(arguments: [
        ("*.conf", "a.conf", true),
        ("*.conf", "a.conf.bak", false),
        ("*.conf", ".hidden.conf", false),
        (".*.conf", ".hidden.conf", true),
        ("a?c", "abc", true),
        ("a?c", "ac", false),
        ("[ab]*", "b1", true),
        ("[!ab]*", "b1", false),
        ("[^ab]*", "c1", true),
        ("[a-c][0-9]", "b7", true),
        ("[a-c][0-9]", "d7", false),
        ("[]x]", "]", true),
        ("[unclosed", "[unclosed", true),
        ("\\*", "*", true),
        ("\\*", "a", false),
        ("*a*b*c*", "xxaxxbxxcxx", true),
        ("*a*b*c*", "xxaxxcxxbxx", false),
        ("*", "", true),
        (String(repeating: "*a", count: 30) + "b", String(repeating: "a", count: 200), false),
    ])
    func matchesLikeFnmatch(_ pattern: String, _ name: String, _ expected: Bool) {
        #expect(GlobPattern(pattern).matches(name) == expected)
    }
}
