import GreenroomCore
import Testing

@Suite("HeaderSanitizer")
struct HeaderSanitizerTests {
    @Test(arguments: [
        "X-Forwarded-For", "x-forwarded-for", "X_FORWARDED_FOR", "Forwarded", "X-Real-IP", "X-Forwarded-Proto",
        "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Prefix", "True-Client-IP", "CF-Connecting-IP",
        "X-Client-IP", "Client-IP", "X-Https", "Front-End-Https", "X-Original-URL",
    ])
    func forwardingHeadersAreRecognised(_ name: String) {
        #expect(HeaderSanitizer().isForwardingHeader(name))
    }

    @Test(arguments: [
        "Host", "Accept", "X-Forwarded", "X-Forwarded-Fo", "Forwarded-For", "Authorization", "", "Cookie",
    ])
    func otherHeadersAreKept(_ name: String) {
        #expect(!HeaderSanitizer().isForwardingHeader(name))
    }

    @Test func sanitizeRemovesOnlyForwardingHeaders() {
        var headers: [(name: String, value: String)] = [
            ("Host", "a"), ("X-Forwarded-For", "1.2.3.4"), ("Accept", "*/*"), ("x_real_ip", "1.2.3.4"),
            ("Forwarded", "for=x"),
        ]
        let removed = HeaderSanitizer().sanitize(&headers)
        #expect(removed == 3)
        #expect(headers.map(\.name) == ["Host", "Accept"])
    }

    @Test func additionalNames() {
        let sanitizer = HeaderSanitizer(additionalNames: ["X-My-CDN-Client"])
        #expect(sanitizer.isForwardingHeader("x-my-cdn-client"))
        #expect(sanitizer.headersToRemove(["Host", "X_My_CDN_Client"]) == ["X_My_CDN_Client"])
    }
}
