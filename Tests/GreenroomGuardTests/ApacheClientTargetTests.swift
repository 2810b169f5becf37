import Testing

@testable import GreenroomGuard

/// Where a request-derived piece sits in a proxy target decides whether the client picks the host.
@Suite struct ApacheClientTargetTests {
    @Test(arguments: [
        ("http://%{HTTP:X-Target}/$1", "%{HTTP:X-Target}"),
        ("http://%{HTTP_HOST}:8000/", "%{HTTP_HOST}"),
        ("http://127.0.0.1:8000$1", "$1"),
        ("$1", "$1"),
        ("%{QUERY_STRING}", "%{QUERY_STRING}"),
        ("http://%2:8000/", "%2"),
        ("unix:/run/$1.sock|http://localhost/", "$1"),
        ("http://%{http:x-target}/", "%{http:x-target}"),
        // Letters whose upper case is longer in UTF-8 (ΐ is 2 bytes, its upper case 6): the
        // piece was sliced from the URL with the upper-cased copy's indices, and check crashed
        // ("String index range is out of bounds").
        ("http://ΐΐΐΐΐΐΐΐΐΐΐΐ%{HTTP:X-Target}/", "%{HTTP:X-Target}"),
        ("http://ΐ%{HTTP:X}ΐΐΐΐΐΐΐΐΐΐΐΐ/", "%{HTTP:X}"),
    ])
    func clientChosenHosts(_ url: String, _ piece: String) {
        #expect(ApacheChecker.clientControlledPiece(inAuthorityOf: url) == piece)
    }

    @Test(arguments: [
        "http://127.0.0.1:8000/$1", "http://127.0.0.1:8000/%{HTTP_HOST}/$1", "/local/$1", "http://app:8000/%1",
        "unix:/run/a.sock|http://localhost/$1", "unix:/run/a.sock|http://%{HTTP_HOST}/",
    ])
    func fixedHosts(_ url: String) {
        #expect(ApacheChecker.clientControlledPiece(inAuthorityOf: url) == nil)
    }
}
