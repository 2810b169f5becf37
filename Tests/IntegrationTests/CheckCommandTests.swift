import Foundation
import GreenroomCore
import GreenroomDeploy
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `greenroom check` as a black box: exit codes, the JSON and SARIF output, and bad input that
/// must end in one clear line and exit status 2, never a crash or a hang.
@Suite struct CheckCommandTests {
    static func check(_ arguments: [String], in directory: String? = nil) async throws -> ProcessResult {
        try await GreenroomBinary.run(["check"] + arguments, currentDirectory: directory, timeout: .seconds(60))
    }

    static let badSpec = """
        app:
          listen: {host: 0.0.0.0, port: 8000}
          user: root
          trust: [loopback, 10.0.0.0/8]

        """

    /// The JSON output, parsed.
    static func json(_ result: ProcessResult) throws -> (findings: [[String: Any]], summary: [String: Any]) {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return (try #require(object["findings"] as? [[String: Any]]), try #require(object["summary"] as? [String: Any]))
    }

    @Test func exitStatusZeroForACleanDeploymentOneForErrors() async throws {
        let scratch = try TemporaryDirectory()
        let example = "\(packageRoot)/deploy/greenroom.example.yml"
        let clean = try await Self.check(["--config", example])
        #expect(clean.status == 0, "\(clean)")
        #expect(clean.stdout == "No findings in 1 file.\n" && clean.stderr.isEmpty)

        let warningsOnly = try scratch.write("warn.yml", "systemd:\n  hardening: false\n")
        let warned = try await Self.check(["--config", warningsOnly])
        #expect(warned.status == 0, "\(warned)")
        #expect(warned.stdout.contains("warning GR012"))

        let bad = try scratch.write("bad.yml", Self.badSpec)
        let failed = try await Self.check(["--config", bad])
        #expect(failed.status == 1, "\(failed)")
        let lines = failed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == bad)
        #expect(
            lines.contains {
                $0.hasPrefix("  2:18     error   GR001 app.listen.host: '0.0.0.0' listens on every interface")
            }
        )
        #expect(lines.contains { $0.hasPrefix("  3:9      error   GR005 app.user: the app must not run as root") })
        #expect(
            lines.contains {
                $0.hasPrefix("  4:21     warning GR004 app.trust[1]: 10.0.0.0/8 is a whole private network")
            }
        )
        #expect(failed.stdout.hasSuffix("2 errors, 1 warning, 0 info in 1 file.\n"))
        #expect(!failed.stdout.contains("\u{1B}["), "no colour when standard output is not a terminal")
    }

    @Test func theJSONSchemaIsStable() async throws {
        let scratch = try TemporaryDirectory()
        let bad = try scratch.write("bad.yml", Self.badSpec)
        let result = try await Self.check(["--config", bad, "--json"])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("{\"findings\":[{\"rule\":\"GR001\",\"severity\":\"error\",\"file\":"))
        let (findings, summary) = try Self.json(result)
        #expect(findings.map { $0["rule"] as? String } == ["GR001", "GR005", "GR004"])
        for finding in findings {
            #expect(Set(finding.keys) == ["rule", "severity", "file", "line", "column", "message", "fix"])
            #expect(finding["file"] as? String == bad)
            #expect((finding["line"] as? Int ?? 0) >= 2 && (finding["column"] as? Int ?? 0) >= 1)
        }
        #expect(summary["errors"] as? Int == 2 && summary["warnings"] as? Int == 1 && summary["info"] as? Int == 0)
        #expect(summary["total"] as? Int == 3 && summary["files"] as? [String] == [bad])
        // Key order is part of the schema.
        let keys = ["\"rule\":", "\"severity\":", "\"file\":", "\"line\":", "\"column\":", "\"message\":", "\"fix\":"]
        let first = String(result.stdout.prefix { $0 != "}" })
        let positions = keys.map { first.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted())
    }

    /// Live findings have no file: `null` in JSON, "(system)" in the human output.
    @Test func liveFindingsHaveNullLocations() async throws {
        let scratch = try TemporaryDirectory()
        let port = try FreePort.allocate()
        let spec = try scratch.write("greenroom.yml", "app:\n  listen: {host: 127.0.0.1, port: \(port)}\n")
        let result = try await Self.check(["--config", spec, "--live", "--json"])
        #expect(result.status == 0, "\(result)")
        let (findings, _) = try Self.json(result)
        let missing = try #require(findings.first { $0["rule"] as? String == "GR082" }, "\(result.stdout)")
        #expect(missing["file"] is NSNull && missing["line"] is NSNull && missing["column"] is NSNull)
        let human = try await Self.check(["--config", spec, "--live"])
        #expect(human.stdout.hasPrefix("(system)\n  -        warning GR082 nothing listens on 127.0.0.1:\(port)"))
    }

    @Test func sarifNamesTheRules() async throws {
        let scratch = try TemporaryDirectory()
        let bad = try scratch.write("bad.yml", Self.badSpec)
        let result = try await Self.check(["--config", bad, "--sarif"])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["version"] as? String == "2.1.0")
        let run = try #require((object["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.map { $0["ruleId"] as? String } == ["GR001", "GR005", "GR004"])
        #expect(results.map { $0["level"] as? String } == ["error", "error", "warning"])
    }

    /// Without --config, ./greenroom.yml is used when present, else the defaults (with a note).
    @Test func theSpecIsFoundInTheWorkingDirectory() async throws {
        let scratch = try TemporaryDirectory()
        let empty = try await Self.check([], in: scratch.path)
        #expect(empty.status == 0, "\(empty)")
        #expect(empty.stdout == "No findings.\n")
        #expect(empty.stderr.hasPrefix("greenroom: note: no greenroom.yml here and no --config"))
        let quiet = try await Self.check(["--json"], in: scratch.path)
        #expect(quiet.stderr.isEmpty && quiet.stdout.hasPrefix("{\"findings\":[]"))

        try scratch.write("greenroom.yml", Self.badSpec)
        let found = try await Self.check([], in: scratch.path)
        #expect(found.status == 1, "\(found)")
        #expect(found.stdout.hasPrefix("greenroom.yml\n"))
    }

    /// The spec's expectations apply to the user's real nginx file: a site generated for port 8000
    /// does not reach an app the spec puts on 9000.
    @Test func proxyFilesAreCheckedAgainstTheSpec() async throws {
        let scratch = try TemporaryDirectory()
        let example = try DeploymentFixtures.example()
        let site = try scratch.write("site.conf", try Generator(spec: example).files(for: .nginx)[0].contents)
        let vhost = try scratch.write("vhost.conf", try Generator(spec: example).files(for: .apache)[0].contents)
        let same = try scratch.write("same.yml", "app:\n  listen: {host: 127.0.0.1, port: 8000}\n")
        let moved = try scratch.write("moved.yml", "app:\n  listen: {host: 127.0.0.1, port: 9000}\n")
        let clean = try await Self.check(["--config", same, "--nginx", site, "--apache", vhost])
        #expect(clean.status == 0, "\(clean)")
        let wrong = try await Self.check(["--config", moved, "--nginx", site, "--apache", vhost, "--json"])
        #expect(wrong.status == 1, "\(wrong)")
        let rules = try Self.json(wrong).findings.compactMap { $0["rule"] as? String }
        #expect(rules.contains("GR020") && rules.contains("GR050"), "\(rules)")
    }

    @Test func usageErrorsExitTwoWithOneLine() async throws {
        let scratch = try TemporaryDirectory()
        let cases: [([String], String)] = [
            (["--bogus"], "greenroom: error: Unknown option '--bogus'"),
            (["--json", "--sarif"], "greenroom: error: --json and --sarif cannot be combined; pick one"),
            (
                ["--config", scratch.file("nope.yml")],
                "\(scratch.file("nope.yml")):1:1: no such file (create one with `greenroom init`)"
            ),
            (["--config", scratch.path], "\(scratch.path):1:1: is a directory"),
            (
                ["--probe-url", "localhost:8443"],
                "--probe-url 'localhost:8443' is not an http:// or https:// URL with a host"
            ),
            (["--nginx", scratch.file("missing.conf")], "'\(scratch.file("missing.conf"))' does not exist"),
            (["--apache", scratch.path], "'\(scratch.path)' is a directory, not a file"),
        ]
        for (arguments, expected) in cases {
            let result = try await Self.check(arguments)
            #expect(result.status == 2, "\(arguments): \(result)")
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
            #expect(
                lines.count == 1 && lines.first.map(String.init)?.hasPrefix(expected) == true,
                "\(arguments): \(result.stderr)"
            )
        }
        let yaml = try scratch.write("broken.yml", "app:\n  listen: [\n")
        let broken = try await Self.check(["--config", yaml])
        #expect(broken.status == 2 && broken.stderr.hasPrefix("\(yaml):3:1: invalid YAML"), "\(broken)")
        let typo = try scratch.write("typo.yml", "app:\n  lisen: {port: 8000}\n")
        let unknown = try await Self.check(["--config", typo])
        #expect(unknown.status == 2 && unknown.stderr.hasPrefix("\(typo):2:3: app.lisen:"), "\(unknown)")
    }

    @Test func badProxyFilesAreClearErrorsNeverCrashes() async throws {
        let scratch = try TemporaryDirectory()
        var garbage = [UInt8](repeating: 0, count: 4096)
        var generator = SeededGenerator(seed: 6)
        for index in garbage.indices { garbage[index] = UInt8.random(in: 0...255, using: &generator) }
        let binary = scratch.file("nginx.conf")
        #expect(FileManager.default.createFile(atPath: binary, contents: Data(garbage)))
        let loopA = try scratch.write("loop/a.conf", "events {}\ninclude b.conf;\n")
        try scratch.write("loop/b.conf", "include a.conf;\n")
        try scratch.write("loop/nginx.conf", "include a.conf;\n")
        let unterminated = try scratch.write("quote.conf", "http {\n    server { return 200 \"oops; }\n}\n")
        let fifo = scratch.file("fifo.conf")
        #expect(mkfifo(fifo, 0o644) == 0)
        let apacheLoop = try scratch.write("httpd/httpd.conf", "Include httpd.conf\n")

        let cases: [([String], String)] = [
            (["--nginx", binary], "\(binary):1:"),
            (["--apache", binary], "\(binary):1:"),
            (["--nginx", loopA, "--nginx-prefix", scratch.file("loop")], "\(scratch.file("loop/b.conf")):1:1:"),
            (["--nginx", unterminated], "\(unterminated):"),
            (["--nginx", fifo], "'\(fifo)' is not a regular file"),
            (["--apache", apacheLoop], "\(apacheLoop):1:1:"),
        ]
        for (arguments, prefix) in cases {
            let started = ContinuousClock.now
            let result = try await Self.check(arguments)
            #expect(!result.timedOut && ContinuousClock.now - started < .seconds(20), "\(arguments) took too long")
            #expect(result.status == 2, "\(arguments): \(result)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && result.stderr.hasPrefix(prefix), "\(arguments): \(result.stderr)")
        }
    }

    /// A file the user may not read (mode 000; run as nobody when the tests run as root, who reads
    /// everything).
    @Test func unreadableFilesAreUsageErrors() async throws {
        let scratch = try TemporaryDirectory()
        let secret = try scratch.write("secret.conf", "events {}\n")
        let spec = try scratch.write("secret.yml", "app: {}\n")
        for path in [secret, spec] { #expect(chmod(path, 0o000) == 0) }
        let nginx = try await GreenroomBinary.runUnprivileged(["check", "--nginx", secret])
        #expect(nginx.status == 2, "\(nginx)")
        #expect(nginx.stderr == "'\(secret)' cannot be read: permission denied\n", "\(nginx)")
        let yaml = try await GreenroomBinary.runUnprivileged(["check", "--config", spec])
        #expect(yaml.status == 2 && yaml.stderr == "\(spec):1:1: cannot be read (permissions?)\n", "\(yaml)")
    }

    /// A configuration of `bytes` bytes: one `server` block per line, each with a GR025 finding.
    static func bigConfiguration(bytes: Int) -> String {
        var text = "events {}\nhttp {\n"
        var index = 0
        while text.utf8.count < bytes {
            text +=
                "    server { listen 127.0.0.1:\(10_000 + index % 50_000); server_name s\(index).example; "
                + "location / { proxy_pass http://127.0.0.1:8000; proxy_set_header Host $http_host; } }\n"
            index += 1
        }
        return text + "}\n"
    }

    /// Checking time grows with the size, not faster: 4× the bytes takes well under 16× the time
    /// (quadratic). The 10 MB budget in release is `greenroom-bench check`'s job; this debug-build
    /// test keeps to 0.5 and 2 MB so it stays cheap.
    @Test func checkingTimeGrowsLinearlyWithTheConfiguration() async throws {
        let scratch = try TemporaryDirectory()
        var seconds: [Double] = []
        for bytes in [512 << 10, 2 << 20] {
            let path = try scratch.write("big-\(bytes).conf", Self.bigConfiguration(bytes: bytes))
            let started = ContinuousClock.now
            let result = try await Self.check(["--nginx", path, "--json"])
            let elapsed = ContinuousClock.now - started
            #expect(!result.timedOut, "\(elapsed)")
            // No spec: the file is judged against itself, and GR025 is a warning.
            #expect(result.status == 0, "\(result.stderr)")
            let (findings, _) = try Self.json(result)
            #expect(findings.contains { $0["rule"] as? String == "GR025" })
            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        #expect(seconds[1] < 8 * seconds[0] + 1, "0.5 MB: \(seconds[0]) s, 2 MB: \(seconds[1]) s")
    }

    @Test func listRulesNamesEveryScope() async throws {
        let result = try await Self.check(["--list-rules"])
        #expect(result.status == 0)
        let ids = result.stdout.split(separator: "\n").map { String($0.prefix(5)) }
        #expect(ids.count >= 60 && ids == ids.sorted())
        for id in ["GR001", "GR019", "GR020", "GR050", "GR080", "GR087", "GR160"] { #expect(ids.contains(id)) }
        // Every scope's name is printed whole, in one column ("kubernetes" was cut to "kubern").
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("GR160  error    kubernetes  the app's Service") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("GR001  error    spec        app binds a wildcard address") })
    }
}
