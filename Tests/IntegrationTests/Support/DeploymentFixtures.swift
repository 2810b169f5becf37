import Foundation
import GreenroomCore
import GreenroomDeploy

/// Specs and generated files prepared for the real daemons: certificate, ACME and static paths
/// moved into the test's temporary directory, ports on loopback.
enum DeploymentFixtures {
    /// The example spec as checked in, with its production settings on (TLS for example.com).
    static func example() throws -> DeploymentSpec {
        ReferenceConfig.production(try DeploymentSpec.load(path: "\(packageRoot)/deploy/greenroom.example.yml"))
    }

    /// `spec` with every file path it names moved under `directory` (certificates, ACME webroot,
    /// static directories) and the unit's command pointing at the built binary, so the daemons'
    /// checks find real files.
    static func localized(
        _ spec: DeploymentSpec,
        in directory: TemporaryDirectory,
        certificate: SelfSignedCertificate
    ) throws -> DeploymentSpec {
        var spec = spec
        if let tls = spec.proxy.tls {
            let webroot = try tls.acmeWebroot.map { _ in try directory.makeDirectory("acme") }
            spec.proxy.tls = ProxySpec.TLS(
                certificate: certificate.certificate,
                key: certificate.key,
                acmeWebroot: webroot,
                haproxyPEM: certificate.combined
            )
        }
        spec.proxy.staticFiles = try spec.proxy.staticFiles.enumerated().map { index, files in
            ProxySpec.StaticFiles(
                path: files.path,
                directory: try directory.makeDirectory("static\(index)") + "/",
                expires: files.expires
            )
        }
        var command = spec.app.effectiveExec
        command[0] = try GreenroomBinary.path()
        spec.app.exec = command
        return spec
    }

    /// `spec` with the proxy listening on the given loopback ports (plain HTTP, and HTTPS when
    /// TLS is configured).
    static func onLoopback(_ spec: DeploymentSpec, http: UInt16, https: UInt16?) -> DeploymentSpec {
        var spec = spec
        spec.proxy.serverNames = ["localhost"]
        spec.proxy.httpListen = [ProxySpec.ListenAddress(host: "127.0.0.1", port: http)]
        spec.proxy.httpsListen = https.map { [ProxySpec.ListenAddress(host: "127.0.0.1", port: $0)] } ?? []
        return spec
    }

    /// Writes `files` into `directory/name/` and returns their paths.
    static func write(_ files: [GeneratedFile], into directory: TemporaryDirectory, _ name: String) throws -> [String] {
        try files.map { try directory.write("\(name)/\($0.path)", $0.contents) }
    }

    /// Splits generated nginx files into http-context and main-context (stream) includes.
    static func nginxIncludes(_ paths: [String]) -> (http: [String], main: [String]) {
        (paths.filter { !$0.hasSuffix("-stream.conf") }, paths.filter { $0.hasSuffix("-stream.conf") })
    }
}

/// A small, seeded, reproducible random number generator (SplitMix64) for property tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
