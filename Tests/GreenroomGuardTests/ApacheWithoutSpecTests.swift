import Foundation
import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// `check --apache` without a spec judges targets against what the config proxies to.
@Suite struct ApacheWithoutSpecTests {
    static func check(_ text: String) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("greenroom-nospec-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = "\(directory)/site.conf"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        var options = DeploymentCheck.Options()
        options.apache = [file]
        let result = try DeploymentCheck(workingDirectory: directory).run(options)
        return result.report.findings.map { "\($0.rule):\($0.location?.line ?? 0)" }
    }

    static let forwarding = """
        ProxyPreserveHost On
        RequestHeader unset X-Forwarded-For
        RequestHeader unset X-Forwarded-Host
        RequestHeader set X-Forwarded-Proto "http"
        RequestHeader unset X-Forwarded-Port
        RequestHeader unset X-Forwarded-Prefix
        RequestHeader unset Forwarded

        """

    @Test func anotherPortIsNotAMismatch() throws {
        #expect(try Self.check(Self.forwarding + "ProxyPass \"/\" \"http://127.0.0.1:9000/\"\n") == [])
    }

    @Test func trustAndTargetRulesStillRun() throws {
        let findings = try Self.check(
            "RemoteIPHeader X-Forwarded-For\nRemoteIPTrustedProxy 0.0.0.0/0\n" + Self.forwarding
                + "ProxyPass \"/\" \"http://0:9000/\"\n"
        )
        #expect(findings == ["GR054:2", "GR055:10"])
    }

    @Test func aServerWithoutProxyingHasNoTargetFindings() throws {
        #expect(try Self.check("DocumentRoot /var/www\n") == [])
    }
}
