import GreenroomDeploy
import Testing

@Suite struct SpecValuesTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("5m", .seconds(300)), ("1h", .seconds(3600)),
        ("2d", .seconds(172_800)), ("45", .seconds(45)),
    ])
    func durations(_ text: String, _ expected: Duration) {
        #expect(SpecValues.parseDuration(text) == expected)
        #expect(SpecValues.parseDuration(SpecValues.format(expected)) == expected)
    }

    @Test(arguments: ["", "s", "-5s", "5 s", "1.5s", "5w", "ms", "9999999999s"])
    func badDurations(_ text: String) {
        #expect(SpecValues.parseDuration(text) == nil)
    }

    @Test(arguments: [
        ("512", 512), ("16k", 16384), ("16K", 16384), ("10m", 10_485_760), ("1g", 1 << 30), ("2mb", 2 << 20),
    ])
    func sizes(_ text: String, _ expected: Int) {
        #expect(SpecValues.parseByteSize(text) == expected)
        #expect(SpecValues.parseByteSize(SpecValues.formatBytes(expected)) == expected)
    }

    @Test(arguments: ["", "k", "-1", "1.5m", "10x", "99999999999999g"])
    func badSizes(_ text: String) {
        #expect(SpecValues.parseByteSize(text) == nil)
    }

    @Test(arguments: ["/etc/ssl/a.pem", "/run/app/app.sock", "/srv/my-app_1/static/"])
    func safePaths(_ path: String) {
        #expect(SpecValues.problem(withPath: path) == nil)
    }

    @Test(arguments: ["relative.pem", "/a b", "/a;b", "/a\"b", "/a{b}", "/a\nb", "/a/../b", "/a$b", "/a#b", "/a'b"])
    func unsafePaths(_ path: String) {
        #expect(SpecValues.problem(withPath: path) != nil)
    }

    @Test(arguments: ["example.com", "*.example.com", "_", "localhost", "xn--bcher-kva.example"])
    func serverNames(_ name: String) {
        #expect(SpecValues.problem(withServerName: name) == nil)
    }

    @Test(arguments: ["a.com;", "a com", "\"a\"", "a.com}", "", ".a.com", "a..com", "$host"])
    func badServerNames(_ name: String) {
        #expect(SpecValues.problem(withServerName: name) != nil)
    }
}
