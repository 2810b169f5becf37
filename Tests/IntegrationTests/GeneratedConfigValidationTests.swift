import Foundation
import GreenroomDeploy
import Testing

/// Every reference variant, rendered for every proxy that supports it, is accepted by the real
/// program: `nginx -t`, `apache2 -t`, `haproxy -c`, `systemd-analyze verify`.
@Suite(.serialized) struct GeneratedConfigValidationTests {
    /// The variants in `nginx/` and `deploy/`, by directory (the cluster's manifests are
    /// validated by `KubernetesValidateTests`).
    static let variants: [String] = {
        guard let example = try? DeploymentFixtures.example() else { return [] }
        return ReferenceConfig.all(example: example).filter { $0.target != .kubernetes }.map(\.directory)
    }()

    static func variant(_ directory: String) throws -> DeploymentSpec {
        try #require(ReferenceConfig.all(example: DeploymentFixtures.example()).first { $0.directory == directory })
            .spec
    }

    /// The files of `target`, or `nil` when that proxy cannot serve this variant (a spec error).
    static func files(_ spec: DeploymentSpec, _ target: GenerateTarget) throws -> [GeneratedFile]? {
        do {
            return try Generator(spec: spec).files(for: target)
        } catch let error as SpecError where error.code == .unsupportedByProxy {
            return nil
        }
    }

    @Test(arguments: variants)
    func nginxAcceptsEveryVariant(_ directory: String) async throws {
        _ = try NginxServer.executable()
        let scratch = try TemporaryDirectory()
        let certificate = try await SelfSignedCertificate.make(in: scratch)
        let spec = try DeploymentFixtures.localized(Self.variant(directory), in: scratch, certificate: certificate)
        guard let files = try Self.files(spec, .nginx) else { return }
        let includes = DeploymentFixtures.nginxIncludes(try DeploymentFixtures.write(files, into: scratch, "site"))
        let result = try await NginxServer.test(in: scratch, httpIncludes: includes.http, mainIncludes: includes.main)
        #expect(result.succeeded, "\(directory): \(result)")
        #expect(!result.output.contains("[warn]"), "\(directory): \(result)")
    }

    @Test(arguments: variants)
    func apacheAcceptsEveryVariant(_ directory: String) async throws {
        _ = try ApacheServer.executable()
        let scratch = try TemporaryDirectory()
        let certificate = try await SelfSignedCertificate.make(in: scratch)
        let spec = try DeploymentFixtures.localized(Self.variant(directory), in: scratch, certificate: certificate)
        guard let files = try Self.files(spec, .apache) else { return }
        let paths = try DeploymentFixtures.write(files, into: scratch, "site")
        let result = try await ApacheServer.test(
            in: scratch,
            includes: paths,
            modules: ApacheServer.modules(requiredBy: files[0].contents)
        )
        #expect(result.succeeded, "\(directory): \(result)")
        #expect(result.output.contains("Syntax OK"), "\(directory): \(result)")
    }

    @Test(arguments: variants)
    func haproxyAcceptsEveryVariant(_ directory: String) async throws {
        _ = try HAProxyServer.executable()
        let scratch = try TemporaryDirectory()
        let certificate = try await SelfSignedCertificate.make(in: scratch)
        let spec = try DeploymentFixtures.localized(Self.variant(directory), in: scratch, certificate: certificate)
        guard let files = try Self.files(spec, .haproxy) else { return }
        let paths = try DeploymentFixtures.write(files, into: scratch, "haproxy")
        let result = try await HAProxyServer.test(config: paths[0])
        #expect(result.succeeded, "\(directory): \(result)")
        #expect(!result.output.contains("[WARNING]") && !result.output.contains("[ALERT]"), "\(directory): \(result)")
    }

    @Test(arguments: variants)
    func systemdVerifiesEveryUnitAndRatesItSafe(_ directory: String) async throws {
        let analyze = try TestEnvironment.requireProgram("systemd-analyze", package: "systemd")
        let scratch = try TemporaryDirectory()
        let certificate = try await SelfSignedCertificate.make(in: scratch)
        let spec = try DeploymentFixtures.localized(Self.variant(directory), in: scratch, certificate: certificate)
        for path in try DeploymentFixtures.write(try Generator(spec: spec).files(for: .systemd), into: scratch, "units")
        {
            // A template unit is verified as an instance (`greenroom@8000.socket`): its `%i` is a port.
            let instance = spec.app.ports.first.map(String.init) ?? "1"
            let unit = path.contains("@.") ? path.replacing("@.", with: "@\(instance).") : path
            let verify = try await ProcessRunner.run(analyze, ["verify", unit])
            #expect(verify.succeeded, "\(directory): \(verify)")
            #expect(verify.output.isEmpty, "\(directory): \(verify)")
            // The exposure rating is about a service's sandbox; a socket unit runs no code.
            guard path.hasSuffix(".service") else { continue }
            let security = try await ProcessRunner.run(analyze, ["security", "--offline=true", "--no-pager", path])
            let score = try #require(Self.exposure(in: security.output), "\(directory): \(security)")
            print("systemd-analyze security \(directory)/\((path as NSString).lastPathComponent): \(score)")
            #expect(score <= 2.0, "\(directory): exposure \(score)")
        }
    }

    /// `app.metrics_port` adds a second `SocketBindAllow=`: still verified, still rated safe.
    @Test func systemdVerifiesAUnitWithAMetricsPort() async throws {
        let analyze = try TestEnvironment.requireProgram("systemd-analyze", package: "systemd")
        let scratch = try TemporaryDirectory()
        let certificate = try await SelfSignedCertificate.make(in: scratch)
        var spec = try DeploymentFixtures.localized(DeploymentFixtures.example(), in: scratch, certificate: certificate)
        spec.app.metricsPort = 9100
        let files = try Generator(spec: spec).files(for: .systemd)
        for path in try DeploymentFixtures.write(files, into: scratch, "units") {
            let verify = try await ProcessRunner.run(analyze, ["verify", path])
            #expect(verify.succeeded && verify.output.isEmpty, "\(verify)")
            guard path.hasSuffix(".service") else { continue }
            let unit = try String(contentsOfFile: path, encoding: .utf8)
            #expect(unit.contains("SocketBindAllow=tcp:9100\n"), "\(unit)")
            let security = try await ProcessRunner.run(analyze, ["security", "--offline=true", "--no-pager", path])
            let score = try #require(Self.exposure(in: security.output), "\(security)")
            #expect(score <= 2.0, "exposure \(score)")
        }
    }

    /// The number in "Overall exposure level for x.service: 0.9 SAFE".
    static func exposure(in output: String) -> Double? {
        guard let line = output.split(separator: "\n").last(where: { $0.contains("Overall exposure level") }),
            let colon = line.lastIndex(of: ":")
        else { return nil }
        return Double(line[line.index(after: colon)...].split(separator: " ").first ?? "")
    }
}
