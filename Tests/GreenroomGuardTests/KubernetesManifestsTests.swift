import Foundation
import GreenroomConfigParsing
import GreenroomGuard
import Testing

/// Reading Kubernetes manifests: documents, lists, directories, the lines fields were written on,
/// and bad input that must end in one located error, never a crash or a hang.
@Suite struct KubernetesManifestsTests {
    static let twoDocuments = """
        # leading comment
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          template:
            spec:
              hostNetwork: true
        ---
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: "NodePort"

        """

    @Test func documentsBecomeObjectsWithTheLinesOfTheirFields() throws {
        let objects = try KubernetesManifests.parse(Self.twoDocuments, file: "m.yaml")
        #expect(objects.map(\.reference) == ["Deployment/web", "Service/web"])
        #expect(objects.map(\.group) == ["apps", ""])
        #expect(objects[0].namespace == "shop" && objects[1].namespace == nil)
        #expect(objects.map(\.location.line) == [3, 14])
        let hostNetwork = try #require(objects[0].root.at("spec", "template", "spec")?.entry("hostNetwork"))
        #expect(hostNetwork.keyLocation.line == 10 && hostNetwork.keyLocation.column == 7)
        #expect(hostNetwork.value.bool == true && hostNetwork.value.location.line == 10)
        let type = try #require(objects[1].root.at("spec", "type"))
        #expect(type.text == "NodePort" && type.location == SourceLocation(file: "m.yaml", line: 17, column: 9))
    }

    /// Windows line ends and a byte-order mark change no line or column.
    @Test func crlfAndByteOrderMarkKeepTheLines() throws {
        let plain = try KubernetesManifests.parse(Self.twoDocuments, file: "m.yaml")
        let windows = "\u{FEFF}" + Self.twoDocuments.replacingOccurrences(of: "\n", with: "\r\n")
        let other = try KubernetesManifests.parse(windows, file: "m.yaml")
        #expect(other.map(\.location) == plain.map(\.location))
        #expect(
            other[1].root.at("spec", "type")?.location == plain[1].root.at("spec", "type")?.location
        )
    }

    @Test func aListIsItsItems() throws {
        let text = """
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: Service, metadata: {name: a}}
            - apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: {name: b}

            """
        let objects = try KubernetesManifests.parse(text, file: "list.yaml")
        #expect(objects.map(\.reference) == ["Service/a", "NetworkPolicy/b"])
        #expect(objects.map(\.location.line) == [4, 6])
    }

    @Test func emptyDocumentsAndUnknownKindsAreKept() throws {
        #expect(try KubernetesManifests.parse("", file: "e.yaml").isEmpty)
        #expect(try KubernetesManifests.parse("# nothing\n---\n...\n", file: "e.yaml").isEmpty)
        let odd = try KubernetesManifests.parse("apiVersion: example.com/v1\nkind: Widget\n", file: "w.yaml")
        #expect(odd.map(\.kind) == ["Widget"])
    }

    /// A directory is every *.yaml and *.yml file in it, sorted by name; other files are not read.
    @Test func aDirectoryIsItsYAMLFilesSorted() throws {
        let directory = try LocalFileSystemTests.TemporaryDirectory()
        try directory.write("apiVersion: v1\nkind: Service\nmetadata: {name: b}\n", to: "b.yml")
        try directory.write("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n", to: "a.yaml")
        try directory.write("not: [yaml", to: "notes.txt")
        try directory.write("apiVersion: v1\nkind: Service\nmetadata: {name: deeper}\n", to: "sub/c.yaml")
        let manifests = try KubernetesManifests.load(directory.path)
        #expect(manifests.objects.map(\.reference) == ["Service/a", "Service/b"])
        #expect(manifests.files == [directory.path + "/a.yaml", directory.path + "/b.yml"])
        let trailing = try KubernetesManifests.load(directory.path + "/")
        #expect(trailing.objects.count == 2)
    }

    @Test(arguments: [
        ("kind: Service\nmetadata: {name: [x\n", ConfigParseError.Code.invalidYAML, 3, "invalid YAML"),
        ("kind: Service\n\tspec: {}\n", .invalidYAML, 2, "invalid YAML"),
        (
            "- a\n- b\n", .notAnObject, 1,
            "a manifest document must be a mapping with apiVersion, kind and metadata, not a list"
        ),
        ("apiVersion: v1\n---\njust text\n", .notAnObject, 1, "a manifest document has no kind"),
        ("apiVersion: v1\nmetadata: {name: x}\n", .notAnObject, 1, "a manifest document has no kind"),
        ("kind: [Service]\n", .notAnObject, 1, "a manifest document has no kind"),
        ("kind: Service\n? [a, b]\n: c\n", .notAnObject, 2, "a key must be a string, not a list or mapping"),
        ("kind: Service\nmetadata:\n  name: a\n  name: b\n", .invalidYAML, 3, "key name written twice in one mapping"),
        ("kind: List\nitems:\n- 42\n", .notAnObject, 3, "an item of a List must be a mapping"),
        ("kind: Service\nspec: *nothing\n", .invalidYAML, 2, "invalid YAML: found undefined alias"),
    ])
    func badDocumentsAreLocatedErrors(_ text: String, _ code: ConfigParseError.Code, _ line: Int, _ message: String) {
        let error = #expect(throws: ConfigParseError.self) { try KubernetesManifests.parse(text, file: "bad.yaml") }
        #expect(error?.code == code)
        #expect(error?.location?.file == "bad.yaml" && error?.location?.line == line, "\(String(describing: error))")
        #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error))")
    }

    /// "Billion laughs": nine levels of ten aliases are 10^9 values from 1 KB of text.
    @Test func aliasesCannotMultiplyAFileIntoMillionsOfValues() {
        var text = "kind: ConfigMap\nl0: &l0 [lol]\n"
        for level in 1...9 {
            text +=
                "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        let error = #expect(throws: ConfigParseError.self) { try KubernetesManifests.parse(text, file: "lol.yaml") }
        #expect(error?.code == .tooManyValues)
        #expect(error?.location?.line ?? 0 >= 2)
    }

    /// The same aliases as a mapping key: the YAML library compares keys for duplicates by
    /// hashing them whole, which must not take 10^9 steps.
    @Test func anAliasedKeyIsRefusedQuickly() {
        var text = "kind: ConfigMap\nl0: &l0 [lol]\n"
        for level in 1...9 {
            text +=
                "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        text += "data:\n  ? *l9\n  : x\n  ? *l8\n  : y\n"
        let started = ContinuousClock.now
        let error = #expect(throws: ConfigParseError.self) { try KubernetesManifests.parse(text, file: "lol.yaml") }
        #expect(error != nil)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    /// Merge keys bring a mapping's keys once each: 60,000 keys merged twice take linear time.
    @Test func mergeKeysOfALargeMappingTakeLinearTime() throws {
        let keys = (0..<60_000).map { "k\($0): 0" }.joined(separator: ", ")
        let text = "kind: ConfigMap\nbase: &b {\(keys)}\ndata: {<<: [*b, *b], own: 1}\n"
        let started = ContinuousClock.now
        let objects = try KubernetesManifests.parse(text, file: "merge.yaml")
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(objects.first?.root["data"]?.entries.count == 60_001)
    }

    @Test func deepNestingIsRefusedNotOverflowed() {
        for depth in [300, 5_000] {
            let text =
                "kind: ConfigMap\ndata: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let error = #expect(throws: ConfigParseError.self) {
                try KubernetesManifests.parse(text, file: "deep.yaml")
            }
            #expect(error?.location?.line == 2, "\(String(describing: error))")
        }
    }

    @Test func hugeAndBinaryFilesAreRefusedWithTheirNames() throws {
        let directory = try LocalFileSystemTests.TemporaryDirectory()
        try directory.write(
            "kind: ConfigMap\ndata:\n  big: " + String(repeating: "x", count: 2_000) + "\n",
            to: "big.yaml"
        )
        var limits = KubernetesManifests.Limits()
        limits.fileBytes = 1_000
        let big = #expect(throws: ConfigParseError.self) {
            try KubernetesManifests.load(directory.path + "/big.yaml", limits: limits)
        }
        #expect(big?.code == .fileTooLarge && big?.message.contains("big.yaml") == true)
        limits = KubernetesManifests.Limits()
        limits.totalBytes = 1_500
        try directory.write("kind: ConfigMap\n", to: "small.yaml")
        let total = #expect(throws: ConfigParseError.self) {
            try KubernetesManifests.load(directory.path, limits: limits)
        }
        #expect(total?.code == .fileTooLarge)

        try Data([0x6B, 0x69, 0x6E, 0x64, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(
            to: URL(fileURLWithPath: directory.path + "/binary.yaml")
        )
        let binary = #expect(throws: ConfigParseError.self) {
            try KubernetesManifests.load(directory.path + "/binary.yaml")
        }
        #expect(
            binary?.code == .binaryData
                && binary?.description.hasSuffix("binary.yaml:1:1: '\(directory.path)/binary.yaml' is not UTF-8 text")
                    == true
        )

        try directory.write("kind: ConfigMap\ndata: {a: \"x\u{0}y\"}\n", to: "nul.yaml")
        let nul = #expect(throws: ConfigParseError.self) { try KubernetesManifests.load(directory.path + "/nul.yaml") }
        #expect(nul?.code == .invalidYAML && nul?.location?.line == 2, "\(String(describing: nul))")
    }

    @Test func missingPathsAndEmptyDirectoriesSaySo() throws {
        let missing = #expect(throws: ConfigParseError.self) { try KubernetesManifests.load("/nonexistent/k8s.yaml") }
        #expect(missing?.description == "'/nonexistent/k8s.yaml' does not exist")
        let directory = try LocalFileSystemTests.TemporaryDirectory()
        try directory.write("x", to: "README.md")
        let empty = #expect(throws: ConfigParseError.self) { try KubernetesManifests.load(directory.path) }
        #expect(empty?.description == "'\(directory.path)' holds no *.yaml or *.yml file")
    }

    /// Random bytes, and random cuts and splices of the corpus manifests: objects (which the rules
    /// then check without crashing) or a located error.
    @Test func randomInputNeverCrashes() throws {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array(
            "apiVersion: kind: Service\n- [] {} &a *a ? | > \" ' # --- ... \t 0.0.0.0/0 \u{0}\u{FEFF}é".utf8
        )
        let corpus = "\(Corpus.directory)/kubernetes"
        let seeds = try FileManager.default.contentsOfDirectory(atPath: corpus).filter { $0.hasSuffix(".yaml") }.map {
            Array(try String(contentsOfFile: "\(corpus)/\($0)", encoding: .utf8).utf8)
        }
        #expect(seeds.count > 20)
        for round in 0..<3_000 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0:
                bytes = (0..<Int.random(in: 0...200, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            case 1:
                bytes = (0..<Int.random(in: 0...300, using: &random)).map { _ in alphabet.randomElement(using: &random)!
                }
            default:
                bytes = seeds.randomElement(using: &random)!
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    let at = Int.random(in: 0..<bytes.count, using: &random)
                    bytes.replaceSubrange(
                        at..<min(bytes.count, at + Int.random(in: 0...6, using: &random)),
                        with: [alphabet.randomElement(using: &random)!]
                    )
                }
            }
            guard let text = String(validating: bytes, as: UTF8.self) else { continue }
            do {
                // The rules must survive whatever shape the objects have.
                let objects = try KubernetesManifests.parse(text, file: "fuzz.yaml")
                for finding in KubernetesChecker().check(KubernetesManifests(objects: objects)) {
                    #expect(finding.location?.file == "fuzz.yaml" && !finding.message.isEmpty)
                }
            } catch {
                let location = try #require(error.location, "\(error)")
                #expect(location.file == "fuzz.yaml" && location.line >= 1 && location.column >= 1)
                #expect(!error.message.isEmpty && !error.message.contains("\n"), "\(error)")
            }
        }
    }
}
