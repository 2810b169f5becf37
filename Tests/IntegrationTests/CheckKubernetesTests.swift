import Foundation
import Testing

/// `greenroom check --kubernetes` as a black box: exit codes, JSON, and bad manifests that end in
/// one located line and exit status 2.
@Suite struct CheckKubernetesTests {
    static func check(_ arguments: [String], in directory: String) async throws -> ProcessResult {
        try await GreenroomBinary.run(["check"] + arguments, currentDirectory: directory, timeout: .seconds(60))
    }

    static let service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ClusterIP}\n"

    @Test func badManifestsAreOneLocatedLineAndExitStatusTwo() async throws {
        let scratch = try TemporaryDirectory()
        try scratch.write("k8s/a.yaml", Self.service)
        try scratch.write("k8s/b.yml", "apiVersion: v1\nkind: Service\nmetadata: {name: [x\n")
        let result = try await Self.check(["--kubernetes", "k8s"], in: scratch.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("k8s/b.yml:4:1: invalid YAML"), "\(result)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result)")

        for (arguments, message) in [
            (["--kubernetes", "missing.yaml"], "'missing.yaml' does not exist\n"),
            (["--kubernetes", ""], "greenroom: error: --kubernetes needs a file name\n"),
        ] {
            let failed = try await Self.check(arguments, in: scratch.path)
            #expect(failed.status == 2 && failed.stderr.hasSuffix(message), "\(failed)")
        }
        try scratch.write("list.yaml", "- just\n- a list\n")
        let list = try await Self.check(["--kubernetes", "list.yaml"], in: scratch.path)
        #expect(list.status == 2)
        #expect(list.stderr.contains("list.yaml:1:1: a manifest document must be a mapping"), "\(list)")
    }

    @Test func aCleanManifestExitsZeroAndNamesItsFileInJSON() async throws {
        let scratch = try TemporaryDirectory()
        try scratch.write("k8s/service.yaml", Self.service)
        let result = try await Self.check(["--kubernetes", "k8s", "--json"], in: scratch.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("{\"findings\":[],\"summary\":"), "\(result)")
        #expect(result.stdout.contains("\"files\":[\"k8s/service.yaml\"]"), "\(result)")
    }

    static let corpus = "\(packageRoot)/Tests/GreenroomGuardTests/Corpus/kubernetes"

    /// The corpus' good deployment (a directory of four files) exits 0; the same files named one
    /// by one (--kubernetes repeated) too.
    @Test func theGoodDeploymentExitsZero() async throws {
        let scratch = try TemporaryDirectory()
        let result = try await Self.check(["--kubernetes", "\(Self.corpus)/good"], in: scratch.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "No findings in 4 files.\n", "\(result)")
        #expect(
            result.stderr
                == "greenroom: note: no greenroom.yml here and no --config: the manifests are judged on their own "
                + "(the gateway's range from the NetworkPolicies that admit traffic to the app)\n",
            "\(result)"
        )
        let files = ["deployment.yaml", "service.yaml", "networkpolicy.yaml", "gateway.yml"].flatMap {
            ["--kubernetes", "\(Self.corpus)/good/\($0)"]
        }
        let repeated = try await Self.check(files + ["--json"], in: scratch.path)
        #expect(repeated.status == 0 && repeated.stdout.hasPrefix("{\"findings\":[],"), "\(repeated)")
    }

    /// An error finding exits 1 and is in the JSON with its rule, file, line and column; warnings
    /// and info alone exit 0.
    @Test func errorsExitOneWarningsAndInfoZero() async throws {
        let scratch = try TemporaryDirectory()
        let file = "\(Self.corpus)/bad-service-nodeport.yaml"
        let result = try await Self.check(["--kubernetes", file, "--json"], in: scratch.path)
        #expect(result.status == 1, "\(result)")
        let (findings, summary) = try CheckCommandTests.json(result)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding["rule"] as? String == "GR160" && finding["severity"] as? String == "error")
        #expect(finding["file"] as? String == file && finding["line"] as? Int == 38 && finding["column"] as? Int == 9)
        #expect((finding["message"] as? String)?.contains("type NodePort") == true)
        #expect(finding["fix"] as? String == "type: ClusterIP, and expose only the gateway")
        #expect(summary["errors"] as? Int == 1 && summary["files"] as? [String] == [file])

        for (name, rule) in [("bad-envoy-trusted-hops.yaml", "GR170"), ("bad-external-traffic-policy.yaml", "GR174")] {
            let mild = try await Self.check(["--kubernetes", "\(Self.corpus)/\(name)"], in: scratch.path)
            #expect(mild.status == 0 && mild.stdout.contains(" \(rule) "), "\(mild)")
        }
        let sarif = try await Self.check(["--kubernetes", file, "--sarif"], in: scratch.path)
        #expect(sarif.status == 1 && sarif.stdout.contains("\"ruleId\":\"GR160\""), "\(sarif)")
    }
}
