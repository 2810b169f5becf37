import GreenroomCore
import GreenroomServer
import HTTPTypes
import NIOHTTP1
import Testing

extension HTTPField.Name {
    fileprivate static let hostField = HTTPField.Name("Host")!
}

/// Stripping forwarding headers from an untrusted peer's request, on both header types.
@Suite struct HeaderSanitizerHTTPHeadersTests {
    static let request: [(String, String)] = [
        ("Host", "example.com"),
        ("X-Forwarded-For", "6.6.6.6"),
        ("Accept", "*/*"),
        ("x-real-ip", "6.6.6.6"),
        ("X_Forwarded_Proto", "https"),
        ("Forwarded", "for=6.6.6.6"),
        ("CF-Connecting-IP", "6.6.6.6"),
        ("Cookie", "a=b"),
        ("Cookie", "c=d"),
    ]
    static let kept: [(String, String)] = [
        ("Host", "example.com"), ("Accept", "*/*"), ("Cookie", "a=b"), ("Cookie", "c=d"),
    ]

    @Test func httpHeadersLoseEveryForwardingHeaderAndKeepTheRestInOrder() {
        var headers = HTTPHeaders(Self.request)
        #expect(HeaderSanitizer().sanitize(&headers) == 5)
        #expect(headers.map { "\($0.name): \($0.value)" } == Self.kept.map { "\($0.0): \($0.1)" })
    }

    @Test func httpFieldsLoseEveryForwardingHeaderAndKeepTheRestInOrder() {
        var fields = HTTPFields()
        for (name, value) in Self.request { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        #expect(HeaderSanitizer().sanitize(&fields) == 5)
        #expect(fields.map { "\($0.name.rawName): \($0.value)" } == Self.kept.map { "\($0.0): \($0.1)" })
    }

    @Test func everyListedNameIsRemovedFromBothTypes() {
        for name in HeaderSanitizer.canonicalForwardingHeaderNames {
            var headers = HTTPHeaders([(name, "x"), ("Host", "h")])
            var fields: HTTPFields = [HTTPField.Name(name)!: "x", .hostField: "h"]
            #expect(HeaderSanitizer().sanitize(&headers) == 1, "\(name)")
            #expect(HeaderSanitizer().sanitize(&fields) == 1, "\(name)")
            #expect(headers.count == 1 && fields.count == 1)
        }
    }

    @Test func additionalNamesAreRemovedToo() {
        let sanitizer = HeaderSanitizer(additionalNames: ["X-My-CDN-Client"])
        var headers = HTTPHeaders([("x-my-cdn-client", "6.6.6.6"), ("Host", "h")])
        var fields: HTTPFields = [HTTPField.Name("X_MY_CDN_CLIENT")!: "6.6.6.6", .hostField: "h"]
        #expect(sanitizer.sanitize(&headers) == 1)
        #expect(sanitizer.sanitize(&fields) == 1)
    }

    @Test func headersWithoutForwardingNamesAreLeftAlone() {
        var headers = HTTPHeaders([("Host", "h"), ("X-Forwarded", "not one of them"), ("Forwarded-For", "nor this")])
        let before = headers
        #expect(HeaderSanitizer().sanitize(&headers) == 0)
        #expect(headers == before)
        var fields: HTTPFields = [.hostField: "h", .accept: "*/*"]
        #expect(HeaderSanitizer().sanitize(&fields) == 0)
        #expect(fields == [.hostField: "h", .accept: "*/*"])
    }
}
