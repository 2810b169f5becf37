import GreenroomConfigParsing
import GreenroomCore
import Testing

@testable import GreenroomGuard

/// ``NginxChecker/attachingReplacements(_:config:)`` matches findings to the directives they
/// replace by merging two sorted lists: these pin what the dictionary it replaced did for input
/// the rules rarely produce (conflicting edits, a prose fix inside a run, findings in no order, a
/// file included twice).
@Suite struct NginxReplacementJoinTests {
    /// `main.conf` includes `z.conf` before `a.conf` (file order is not sorted order) and `a.conf`
    /// twice (its directives appear twice in the tree at one location).
    static func config() throws -> NginxConfig {
        let fileSystem = InMemoryFileSystem(texts: [
            "/etc/nginx/main.conf": """
            events {}
            http {
                include /etc/nginx/z.conf;
                include /etc/nginx/a.conf;
                include /etc/nginx/a.conf;
            }

            """,
            "/etc/nginx/z.conf": "server_tokens on;\nkeepalive_requests 10;\n",
            "/etc/nginx/a.conf": "server_tokens on;\nkeepalive_requests 20;\n",
        ])
        return try NginxConfig.load("/etc/nginx/main.conf", fileSystem: fileSystem)
    }

    static func at(_ file: String, _ line: Int) -> SourceLocation {
        SourceLocation(file: "/etc/nginx/\(file)", line: line, column: 1)
    }

    static func finding(_ rule: Rule, _ location: SourceLocation, _ fix: String, _ message: String = "m") -> Finding {
        rule.finding(at: location, message, fix: fix)
    }

    @Test func findingsInAnyOrderEachGetTheirDirectivesEdit() throws {
        let findings = [
            Self.finding(.nginxLowKeepaliveRequests, Self.at("z.conf", 2), "keepalive_requests 1000;"),
            Self.finding(.nginxVersionDisclosure, Self.at("a.conf", 1), "server_tokens off;"),
            Self.finding(.nginxLowKeepaliveRequests, Self.at("a.conf", 2), "keepalive_requests 1000;"),
            Self.finding(.nginxVersionDisclosure, Self.at("z.conf", 1), "server_tokens off;"),
        ]
        let edited = NginxChecker.attachingReplacements(findings, config: try Self.config())
        #expect(edited.map(\.location) == findings.map(\.location), "the findings keep their order")
        for finding in edited {
            let edit = try #require(finding.replacement, "\(finding)")
            #expect(edit.start == finding.location)
            #expect(edit.text == finding.fix)
        }
    }

    @Test func twoDifferentEditsOfOneDirectiveCancelEachOtherOnly() throws {
        let place = Self.at("a.conf", 1)
        let findings = [
            Self.finding(.nginxVersionDisclosure, place, "server_tokens off;", "one"),
            Self.finding(.nginxVersionDisclosure, Self.at("z.conf", 1), "server_tokens off;"),
            Self.finding(.nginxVersionDisclosure, place, "server_tokens build;", "two"),
        ]
        let edited = NginxChecker.attachingReplacements(findings, config: try Self.config())
        #expect(edited[0].replacement == nil && edited[2].replacement == nil, "\(edited)")
        #expect(edited[1].replacement?.text == "server_tokens off;")
    }

    @Test func aProseFixInsideARunKeepsTheOthersEdits() throws {
        let place = Self.at("z.conf", 1)
        let findings = [
            Self.finding(.nginxVersionDisclosure, place, "server_tokens off;", "one"),
            Self.finding(.nginxVersionDisclosure, place, "turn server_tokens off", "two"),
            Self.finding(.nginxVersionDisclosure, place, "server_tokens off;", "three"),
            // A rule without exact edits, at the same place: never edited.
            Self.finding(.nginxErrorLogOff, place, "server_tokens off;", "four"),
        ]
        let edited = NginxChecker.attachingReplacements(findings, config: try Self.config())
        #expect(edited.map { $0.replacement?.text } == ["server_tokens off;", nil, "server_tokens off;", nil])
    }
}
