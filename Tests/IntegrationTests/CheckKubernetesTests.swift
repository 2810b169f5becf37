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
}
