import GreenroomConfigParsing
import GreenroomCore
import Testing

@testable import GreenroomGuard

/// 7cd25dc taught ``NginxVariables/names(in:)`` nginx's reading of `$1`…`$9` (one digit, then
/// text): every rule that reads variable names sees it, not only GR109. These pin the other
/// rules' side of that change, so it stays a decision rather than an accident.
@Suite struct NginxCaptureDigitTests {
    @Test func aCaptureFollowedByLettersIsStillTheClientsValue() throws {
        // `$1y` is the path capture then "y": the client chooses X-Forwarded-Host (GR022). Read
        // as one variable named `1y` it was nobody's.
        let findings = try NginxTaintTests.check(
            """
            server {
                listen 80;
                location ~ ^/(.*)$ {
                    proxy_set_header X-Forwarded-Host $1y;
                    proxy_pass http://127.0.0.1:8000;
                }
            }

            """
        )
        #expect(findings.contains { $0.rule == .nginxClientForwardingHeader && $0.location?.line == 4 }, "\(findings)")
    }

    @Test func nestedCapturesFollowedByLettersStillOverlap() throws {
        // `$2z` is `$2` then "z": the redirect escapes $1 and the $2 inside it (GR127).
        let findings = try NginxTaintTests.check(
            """
            server {
                listen 80;
                rewrite ^/((a)b)$ /x?$1$2z redirect;
            }

            """
        )
        #expect(findings.contains { $0.rule == .nginxOverlappingCaptures && $0.location?.line == 3 }, "\(findings)")
    }

    @Test func namesReadOneDigitAfterTheDollar() {
        #expect(NginxVariables.names(in: "$1y$10${10}$0x$host") == ["1", "1", "10", "0x", "host"])
    }
}
