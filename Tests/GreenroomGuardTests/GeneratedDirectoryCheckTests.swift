import Foundation
import GreenroomConfigParsing
import GreenroomCore
import GreenroomDeploy
import GreenroomGuard
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `check --generated DIR`: what `generate` wrote, compared with what the spec renders now, and
/// the proxy and Kubernetes rules run on those files.
@Suite struct GeneratedDirectoryCheckTests {
    /// A directory with `greenroom.yml` (`spec`) and what `generate all --out deploy-out` writes.
    final class Deployment {
        let root: String
        init(spec: String, all: Bool = true, target: GenerateTarget = .nginx) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("greenroom-gen-\(UUID())").path
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try write("greenroom.yml", spec)
            let generator = try Generator(spec: DeploymentSpec.load(path: "\(root)/greenroom.yml"))
            let files = try generator.files(for: all ? generator.allTargets : [target])
            _ = try OutputWriter(directory: "\(root)/deploy-out").write(files, bySubdirectory: all)
        }
        deinit { try? FileManager.default.removeItem(atPath: root) }

        func write(_ path: String, _ text: String) throws {
            try FileManager.default.createDirectory(
                atPath: (("\(root)/\(path)") as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try text.write(toFile: "\(root)/\(path)", atomically: true, encoding: .utf8)
        }

        func edit(_ path: String, _ find: String, _ replace: String) throws {
            let text = try String(contentsOfFile: "\(root)/\(path)", encoding: .utf8)
            #expect(text.contains(find), "\(find) not in \(path)")
            try write(path, text.replacing(find, with: replace))
        }

        func check(_ directory: String = "deploy-out", spec: Bool = true) throws -> [Finding] {
            var options = DeploymentCheck.Options()
            if spec { options.specPath = "\(root)/greenroom.yml" }
            options.generated = "\(root)/\(directory)"
            // Without --config, the working directory must hold no greenroom.yml either.
            return try DeploymentCheck(workingDirectory: spec ? root : "\(root)/deploy-out").run(options).report
                .findings
        }
    }

    static let nginx = "app: {name: shop}\n"
    static let cluster = """
        app: {name: shop}
        kubernetes:
          image: registry.example.com/shop:1.0.0
          gateway: {addresses: [10.244.0.0/16]}
        """

    static func summary(_ findings: [Finding]) -> [String] {
        findings.map {
            "\($0.rule) \(($0.location?.file as NSString?)?.lastPathComponent ?? "-"):\($0.location?.line ?? 0)"
        }
    }

    @Test func whatGenerateWroteHasNoFinding() throws {
        for spec in [
            Self.nginx, Self.cluster, "app: {name: shop}\nproxy: {kind: apache}\n",
            "app: {name: shop}\nproxy: {kind: haproxy}\n",
            "app: {name: shop, proxy_protocol: v2}\nproxy: {kind: haproxy}\n",
            "app: {name: shop, listen: {unix: /run/shop/shop.sock}}\nproxy: {kind: haproxy}\n",
        ] {
            let deployment = try Deployment(spec: spec)
            let findings = try deployment.check()
            #expect(findings.isEmpty, "\(spec): \(Self.summary(findings))")
        }
    }

    /// The spec's port changed and nothing was regenerated: every file that names the port drifts,
    /// reported at the line that differs (not a comment), and nginx's own rule sees the upstream.
    @Test func aSpecChangedWithoutRegeneratingIsDriftAtTheLineThatDiffers() throws {
        let deployment = try Deployment(spec: Self.nginx)
        try deployment.write("greenroom.yml", "app: {name: shop, listen: {port: 9000}}\n")
        let findings = try deployment.check()
        let drift = findings.filter { $0.rule == .generatedDrift }
        #expect(
            Set(Self.summary(drift)) == ["GR150 shop.conf:26", "GR150 shop.service:70", "GR150 shop.socket:13"],
            "\(Self.summary(findings))"
        )
        #expect(
            drift.first { $0.location?.file.hasSuffix(".conf") == true }?.message.contains("server 127.0.0.1:8000")
                == true
        )
        #expect(
            drift.first { $0.location?.file.hasSuffix(".socket") == true }?.message.contains(
                "'ListenStream=127.0.0.1:8000' here, 'ListenStream=127.0.0.1:9000' rendered"
            ) == true
        )
        #expect(findings.contains { $0.rule == .nginxTargetMismatch }, "\(Self.summary(findings))")
    }

    /// A hand edit that lets the client's X-Forwarded-For through is drift, and the nginx rules
    /// name what it breaks.
    @Test func aHandEditIsDriftAndTheNginxRulesJudgeIt() throws {
        let deployment = try Deployment(spec: Self.nginx)
        try deployment.edit(
            "deploy-out/nginx/shop.conf",
            "proxy_set_header X-Forwarded-For $remote_addr;",
            "proxy_set_header X-Forwarded-For $http_x_forwarded_for;"
        )
        let rules = Set(try deployment.check().map(\.rule))
        #expect(rules.contains(.generatedDrift) && rules.contains(.nginxClientForwardingHeader), "\(rules)")
    }

    @Test func aMissingFileALeftoverFileAndAStaleTargetAreFound() throws {
        let deployment = try Deployment(spec: Self.nginx)
        try FileManager.default.removeItem(atPath: "\(deployment.root)/deploy-out/systemd/shop.socket")
        try deployment.write("deploy-out/nginx/old-name.conf", "server { listen 80; }\n")
        try deployment.write("deploy-out/apache/shop.conf", "<VirtualHost *:80>\n</VirtualHost>\n")
        let findings = try deployment.check()
        #expect(findings.filter { $0.rule == .generatedMissing }.map(\.message).first?.contains("shop.socket") == true)
        let stale = findings.filter { $0.rule == .generatedStale }
        #expect(stale.count == 2, "\(Self.summary(findings))")
        #expect(stale.contains { $0.location?.file.hasSuffix("old-name.conf") == true })
        // The spec's proxy is nginx: the apache/ directory is stale as a whole (and its rules not run).
        #expect(
            stale.contains { $0.location?.file.hasSuffix("/apache") == true && $0.message.contains("renders none") }
        )
        #expect(
            !findings.contains { $0.location?.file.hasSuffix("apache/shop.conf") == true && $0.rule != .generatedStale }
        )
    }

    /// `generate nginx --out DIR` writes the files themselves: the target is whichever is there.
    @Test func theFilesOfOneTargetAreComparedToo() throws {
        let deployment = try Deployment(spec: Self.nginx, all: false, target: .nginx)
        #expect(try deployment.check().isEmpty)
        try deployment.write("greenroom.yml", "app: {name: shop, listen: {port: 9000}}\n")
        #expect(Self.summary(try deployment.check().filter { $0.rule == .generatedDrift }) == ["GR150 shop.conf:26"])
    }

    /// A generated HAProxy file edited to keep the client's X-Forwarded-For: drift, and GR131.
    @Test func theHAProxyFilesGetTheHAProxyRules() throws {
        let deployment = try Deployment(spec: "app: {name: shop}\nproxy: {kind: haproxy}\n")
        try deployment.edit("deploy-out/haproxy/shop.cfg", "    http-request del-header X-Forwarded-For\n", "")
        let rules = try deployment.check().map(\.rule)
        #expect(rules.contains(.generatedDrift) && rules.contains(.haproxyAppendedForwardedFor), "\(rules)")
    }

    @Test func theClustersManifestsGetTheKubernetesRules() throws {
        let deployment = try Deployment(spec: Self.cluster)
        try deployment.edit("deploy-out/kubernetes/20-service.yaml", "type: ClusterIP", "type: NodePort")
        let rules = try deployment.check().map(\.rule)
        #expect(rules.contains(.generatedDrift) && rules.contains(.kubernetesServiceExposed), "\(rules)")
    }

    @Test func badInputIsOneLineNamingIt() throws {
        let deployment = try Deployment(spec: Self.nginx)
        func failure(_ body: () throws -> Void) -> String? {
            do {
                try body()
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(
            failure { _ = try deployment.check("missing") }?.contains("'\(deployment.root)/missing' is not a directory")
                == true
        )
        #expect(failure { _ = try deployment.check(spec: false) }?.hasPrefix("--generated needs the spec") == true)
        // A FIFO planted where a generated file belongs must not hang the check.
        let unit = "\(deployment.root)/deploy-out/systemd/shop.service"
        try FileManager.default.removeItem(atPath: unit)
        #expect(mkfifo(unit, 0o644) == 0)
        #expect(failure { _ = try deployment.check() }?.contains("not a regular file") == true)
    }
}
