import GreenroomConfigParsing
import GreenroomCore
import GreenroomYAML

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A deployment, as described by `greenroom.yml`: the app, the proxy in front of it and the
/// systemd unit that runs it.
///
/// One file describes the whole deployment, and every generated file is rendered from the same
/// decoded values, so the proxy's upstream is exactly the app's bind and the app trusts exactly
/// the address the proxy connects from. Decoding is strict: unknown keys, wrong types and unsafe
/// text are errors that name `file:line:column` and the key. Each decoded value keeps where it
/// was written (``locations``), for `greenroom check` findings.
///
/// ```swift
/// let spec = try DeploymentSpec.load(path: "greenroom.yml")   // decode + validate
/// spec.app.listen          // .tcp(host: 127.0.0.1, port: 8000)
/// spec.locations["app.listen.port"]   // greenroom.yml:9:11
/// ```
public struct DeploymentSpec: Sendable, Hashable {
    /// The `app:` section.
    public var app: AppSpec
    /// The `proxy:` section.
    public var proxy: ProxySpec
    /// The `systemd:` section.
    public var systemd: SystemdSpec
    /// The `kubernetes:` section; present means the cluster topology.
    public var kubernetes: KubernetesSpec? = nil
    /// Where each written value is; empty for a spec built in code.
    public var locations: SpecLocations

    /// The spec file's name as given, e.g. `greenroom.yml`.
    public var file: String { locations.file }

    /// The default file name, `greenroom.yml`.
    public static let defaultFileName = "greenroom.yml"

    /// The top-level keys.
    public static let topLevelKeys = ["app", "proxy", "systemd", "kubernetes"]

    /// Creates a spec from values (all defaults unless given).
    public init(
        app: AppSpec = AppSpec(),
        proxy: ProxySpec = ProxySpec(),
        systemd: SystemdSpec = SystemdSpec(),
        locations: SpecLocations = SpecLocations(file: DeploymentSpec.defaultFileName)
    ) {
        self.app = app
        self.proxy = proxy
        self.systemd = systemd
        self.locations = locations
    }

    /// Reads, decodes and validates the spec at `path`.
    ///
    /// - Throws: the first ``SpecError``: unreadable file, bad YAML, bad key or value, or a
    ///   deployment that would be unsafe (see ``problems()``).
    public static func load(path: String) throws(SpecError) -> DeploymentSpec {
        let text = try read(path: path)
        return try DeploymentSpec(yaml: text, file: path)
    }

    /// Decodes and validates spec text; `file` names it in errors.
    public init(yaml: String, file: String = DeploymentSpec.defaultFileName) throws(SpecError) {
        self = try DeploymentSpec.parse(yaml: yaml, file: file)
        let refusals = problems().filter { problem in optIn(for: problem).map { !app.optIns.contains($0) } ?? true }
        if let first = refusals.first {
            guard let optIn = optIn(for: first) else { throw first }
            let orOptIn = " (or, if you mean it, set \(optIn.specKey): true)"
            throw SpecError(
                first.code,
                at: first.location,
                keyPath: first.keyPath,
                first.fix == nil ? first.message + orOptIn : first.message,
                fix: first.fix.map { $0 + orOptIn },
                optIn: optIn
            )
        }
    }

    /// The opt-in (``AppSpec/optIns``) that lets `greenroom serve` start despite `problem`, or
    /// `nil` when nothing may: the one the `DeploymentPolicy` names for a bind problem
    /// (``SpecError/optIn``), or trusting everyone for a trust entry that matches every address.
    /// The loader skips problems the spec opted out of; `greenroom check` reports them all.
    public func optIn(for problem: SpecError) -> StartupOptIn? {
        if let optIn = problem.optIn { return optIn }
        let path = problem.keyPath
        guard problem.code == .trustsEveryone, path.hasPrefix("app.trust") || path.hasPrefix("app.hosts.balancers")
        else { return nil }
        return .trustEveryone
    }

    /// Decodes spec text without the deployment checks of ``problems()``: only unreadable
    /// structure (bad YAML, unknown keys, wrong types, malformed values) is an error.
    ///
    /// `greenroom check` uses this to load a spec that is well-formed but unsafe, and reports
    /// ``problems()`` as findings with their own rule ids.
    public static func parse(
        yaml: String,
        file: String = DeploymentSpec.defaultFileName
    ) throws(SpecError)
        -> DeploymentSpec
    {
        let root: YAMLNode?
        do {
            root = try YAMLComposer.document(yaml)
        } catch {
            throw SpecError.yaml(error, file: file)
        }
        var reader = SpecReader(file: file)
        return try reader.decodeSpec(root)
    }

    /// Reads a spec file's text.
    ///
    /// - Throws: ``SpecError/Code/unreadable`` naming the file and the reason.
    public static func read(path: String) throws(SpecError) -> String {
        let location = SourceLocation(file: path, line: 1, column: 1)
        switch FileKind(path: path) {
        case .unreachable:
            throw SpecError(.unreadable, at: location, keyPath: "", "no such file (create one with `greenroom init`)")
        case .directory: throw SpecError(.unreadable, at: location, keyPath: "", "is a directory")
        case .file: break
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpecError(.unreadable, at: location, keyPath: "", "cannot be read (permissions?)")
        }
        guard data.count <= 1 << 20 else {
            throw SpecError(.unreadable, at: location, keyPath: "", "is larger than 1 MiB; that is not a spec")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SpecError(.unreadable, at: location, keyPath: "", "is not UTF-8 text")
        }
        return text
    }

    /// The commented example spec that `greenroom init` writes (`deploy/greenroom.example.yml`).
    public static var exampleText: String { EmbeddedResources.exampleSpec }
}

extension SpecError {
    /// Converts a YAML parser error into a located spec error.
    static func yaml(_ error: YAMLError, file: String) -> SpecError {
        let location = SourceLocation(file: file, line: error.mark.line, column: error.mark.column)
        if error.kind == .duplicateKeys {
            return SpecError(
                .duplicateKey,
                at: location,
                keyPath: error.keys.joined(separator: ", "),
                "written twice in one mapping"
            )
        }
        return SpecError(.invalidYAML, at: location, keyPath: "", error.message)
    }
}
