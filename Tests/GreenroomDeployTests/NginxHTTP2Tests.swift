import GreenroomDeploy
import Testing

/// nginx 1.25.1 deprecated `listen ... http2` for the `http2 on;` directive, which older nginx
/// does not know: the spec's `proxy.version` picks the form, and without it the old form, which
/// every nginx with HTTP/2 accepts (1.25.1+ only warns), is the safe default.
@Suite struct NginxHTTP2Tests {
    static let tls = "proxy:\n  tls: {certificate: /c.pem, key: /k.pem}\n"

    @Test(arguments: ["", "  version: \"1.22\"\n", "  version: 1.25.0\n"])
    func olderOrUnknownNginxGetsTheListenParameter(_ version: String) throws {
        let site = lines(try render(try spec(Self.tls + version), .nginx))
        #expect(site.contains("listen 443 ssl http2;"))
        #expect(!site.contains("http2 on;"))
    }

    @Test(arguments: ["  version: 1.25.1\n", "  version: \"1.26\"\n", "  version: 2.0.0\n"])
    func nginx1251AndLaterGetTheDirective(_ version: String) throws {
        let site = lines(try render(try spec(Self.tls + version), .nginx))
        #expect(site.contains("listen 443 ssl;"))
        #expect(site.contains("http2 on;"))
        #expect(!site.contains { $0.hasPrefix("listen") && $0.contains("http2") })
    }

    @Test func plainHTTPHasNoHTTP2() throws {
        let site = lines(try render(try spec("proxy:\n  version: 1.26.0\n"), .nginx))
        #expect(!site.contains { $0.contains("http2") })
    }

    @Test(arguments: ["1", "one.two", "1.x", "1.2.3.4", "-1.2"])
    func aVersionMustBeNumbers(_ version: String) throws {
        let error = specError { _ = try spec("proxy:\n  version: \"\(version)\"\n") }
        #expect(error?.code == .invalidValue, "\(String(describing: error))")
        #expect(error?.keyPath == "proxy.version")
    }
}
