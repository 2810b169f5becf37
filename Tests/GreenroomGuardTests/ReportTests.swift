import Foundation
import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

@Suite struct ReportTests {
    static let report = Report(
        findings: [
            Finding(
                rule: .nginxHostFromClient,
                severity: .warning,
                location: SourceLocation(file: "/etc/nginx/b.conf", line: 3, column: 5),
                message: "Host is forwarded from $http_host",
                fix: "proxy_set_header Host $host;"
            ),
            Finding(
                rule: .nginxTargetMismatch,
                severity: .error,
                location: SourceLocation(file: "/etc/nginx/a \"x\".conf", line: 12, column: 9),
                message: "proxy_pass connects to 127.0.0.1:8080",
                fix: "proxy_pass http://127.0.0.1:8000;"
            ),
            Finding(
                rule: .liveExposedListener,
                severity: .info,
                location: nil,
                message: "tab\there",
                fix: "none needed"
            ),
        ],
        files: ["/etc/nginx/a \"x\".conf", "/etc/nginx/b.conf"]
    )

    @Test func duplicatesAreRemovedAndTheOrderIsTheSameWhateverTheInputOrder() {
        // Three findings at one place with one rule and message: two equal, one with another fix.
        // The sort alone leaves them tied; the report breaks the tie the same way for any input
        // order, and an equal pair separated by the third is still one finding.
        let place = SourceLocation(file: "/etc/nginx/site.conf", line: 7, column: 5)
        func finding(_ fix: String, related: [SourceLocation] = []) -> Finding {
            Finding(
                rule: .nginxHostFromClient,
                severity: .warning,
                location: place,
                message: "Host is forwarded from $http_host",
                fix: fix,
                related: related
            )
        }
        let a = finding("proxy_set_header Host $host;")
        let b = finding("proxy_set_header Host $host;", related: [place])
        let c = finding("proxy_set_header Host example.com;")
        let orders: [[Finding]] = [[a, c, a, b], [b, a, c, a], [c, b, a, a], [a, b, c, b, a]]
        let reports = orders.map { Report(findings: $0).findings }
        #expect(reports.allSatisfy { $0.count == 3 })
        #expect(reports.allSatisfy { $0 == reports[0] })
        #expect(reports[0] == [a, b, c])
    }

    @Test func aReplacementIsWrittenAfterTheFixInJSON() throws {
        var finding = try #require(Self.report.findings.first { $0.rule == .nginxHostFromClient })
        let start = try #require(finding.location)
        finding.replacement = Finding.Replacement(
            start: start,
            end: SourceLocation(file: start.file, line: 3, column: 30),
            text: "proxy_set_header Host $host;"
        )
        let json = Report(findings: [finding], files: []).render(.json)
        #expect(
            json.contains(
                #""fix":"proxy_set_header Host $host;","replacement":{"line":3,"column":5,"endLine":3,"endColumn":30,"text":"proxy_set_header Host $host;"}}"#
            ),
            "\(json)"
        )
        #expect(!Self.report.render(.json).contains("replacement"))
    }

    @Test func jsonHasTheStableSchemaInOrder() {
        let json = Self.report.render(.json)
        let expected = """
            {"findings":[\
            {"rule":"GR020","severity":"error","file":"/etc/nginx/a \\"x\\".conf","line":12,"column":9,\
            "message":"proxy_pass connects to 127.0.0.1:8080","fix":"proxy_pass http://127.0.0.1:8000;"},\
            {"rule":"GR025","severity":"warning","file":"/etc/nginx/b.conf","line":3,"column":5,\
            "message":"Host is forwarded from $http_host","fix":"proxy_set_header Host $host;"},\
            {"rule":"GR081","severity":"info","file":null,"line":null,"column":null,"message":"tab\\there","fix":"none needed"}],\
            "summary":{"errors":1,"warnings":1,"info":1,"total":3,"files":["/etc/nginx/a \\"x\\".conf","/etc/nginx/b.conf"]}}

            """
        #expect(json == expected)
    }

    @Test func humanOutputGroupsByFileWithoutColourUnlessAsked() {
        let plain = Self.report.render(.human)
        #expect(!plain.contains("\u{1B}["))
        let lines = plain.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "/etc/nginx/a \"x\".conf")
        #expect(lines[1].hasPrefix("  12:9     error   GR020 proxy_pass connects to 127.0.0.1:8080"))
        #expect(lines[2].trimmingPrefixSpaces == "fix: proxy_pass http://127.0.0.1:8000;")
        #expect(lines[4] == "/etc/nginx/b.conf")
        #expect(lines[8] == "(system)")
        #expect(plain.hasSuffix("1 error, 1 warning, 1 info in 2 files.\n"))
        let coloured = Self.report.render(.human, color: true)
        #expect(coloured.contains("\u{1B}[31merror  \u{1B}[0m"))
        #expect(Report(findings: []).render(.human) == "No findings.\n")
    }

    @Test func colourOnlyForTerminalsAndNeverWithNoColor() {
        #expect(Report.shouldColor(descriptor: -1, environment: [:]) == false)
        #expect(Report.shouldColor(descriptor: 1, environment: ["NO_COLOR": "1"]) == false)
        #expect(Report.shouldColor(descriptor: 1, environment: ["TERM": "dumb"]) == false)
    }

    @Test func exitCodesFollowTheDesign() {
        #expect(Self.report.exitCode == 1)
        #expect(Report(findings: Self.report.findings.filter { $0.severity != .error }).exitCode == 0)
        #expect(Report(findings: []).exitCode == 0)
    }

    @Test func sarifNamesTheRulesAndLocations() {
        let sarif = Self.report.render(.sarif)
        #expect(sarif.hasPrefix("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\""))
        #expect(sarif.contains("\"ruleId\":\"GR020\",\"level\":\"error\""))
        #expect(sarif.contains("\"level\":\"note\""))
        #expect(sarif.contains("\"uri\":\"file:///etc/nginx/a%20%22x%22.conf\""))
        #expect(sarif.contains("\"region\":{\"startLine\":12,\"startColumn\":9}"))
        #expect(sarif.contains("{\"id\":\"GR020\",\"name\":\"proxy_pass does not reach the app\""))
    }

    /// What code scanning needs: version, paths under a base id, fingerprints, logical locations.
    @Test func sarifForCodeScanning() throws {
        let text = Self.report.renderSARIF(toolVersion: "9.9.9", baseDirectory: "/etc/nginx/")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["version"] as? String == "9.9.9")
        let bases = try #require(run["originalUriBaseIds"] as? [String: [String: String]])
        #expect(bases == ["%SRCROOT%": ["uri": "file:///etc/nginx/"]])
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 3)
        let artifacts = results.compactMap { result -> [String: String]? in
            let location = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            return location?["artifactLocation"] as? [String: String]
        }
        #expect(
            artifacts == [
                ["uri": "a%20%22x%22.conf", "uriBaseId": "%SRCROOT%"], ["uri": "b.conf", "uriBaseId": "%SRCROOT%"],
            ]
        )
        let fingerprints = results.compactMap {
            ($0["partialFingerprints"] as? [String: String])?["greenroomFinding/v1"]
        }
        #expect(fingerprints.count == 3 && Set(fingerprints).count == 3 && fingerprints.allSatisfy { $0.count == 16 })
        let live = try #require(results.first { $0["ruleId"] as? String == "GR081" })
        let logical = (live["locations"] as? [[String: Any]])?.first?["logicalLocations"] as? [[String: String]]
        #expect(logical == [["name": "live", "fullyQualifiedName": "greenroom/live/GR081", "kind": "resource"]])

        // A line moving does not change the fingerprint; a file outside the base stays absolute.
        var moved = Self.report.findings
        moved[0].location?.line += 40
        let again = Report(findings: moved).renderSARIF(toolVersion: "9.9.9", baseDirectory: "/etc/nginx")
        for fingerprint in fingerprints { #expect(again.contains(fingerprint)) }
        let outside = Self.report.renderSARIF(toolVersion: "1", baseDirectory: "/srv")
        #expect(outside.contains("\"uri\":\"file:///etc/nginx/b.conf\"}"))
    }
}

extension String {
    var trimmingPrefixSpaces: String { String(drop { $0 == " " }) }
}
