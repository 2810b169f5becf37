import GreenroomCore
import GreenroomMustache

/// Renders the configuration files of a deployment from its spec.
///
/// Every file is rendered from the same ``DeploymentSpec`` values: the nginx upstream is
/// exactly ``AppSpec/endpoints``, the unit's `IPAddressAllow=` lets in exactly the proxy the app
/// trusts, the proxy's body limit is the app's. Templates are logic-free; the decisions are made
/// here, in Swift, and handed to the templates as plain values.
///
/// ```swift
/// let spec = try DeploymentSpec.load(path: "greenroom.yml")
/// let files = try Generator(spec: spec).files(for: .nginx)
/// ```
public struct Generator: Sendable {
    /// The deployment.
    public let spec: DeploymentSpec
    /// The templates in use.
    public let templates: TemplateSet
    let library: MustacheLibrary

    /// Prepares a generator.
    ///
    /// - Throws: ``TemplateError`` when a template does not parse.
    public init(spec: DeploymentSpec, templates: TemplateSet = .embedded) throws(TemplateError) {
        self.spec = spec
        self.templates = templates
        self.library = try templates.library()
    }

    /// The targets `greenroom generate all` produces: the configured proxy (if any) and systemd,
    /// or with a `kubernetes:` section the cluster's manifests.
    public var allTargets: [GenerateTarget] {
        if spec.kubernetes != nil { return [.kubernetes] }
        return switch spec.proxy.kind {
        case .nginx: [.nginx, .systemd]
        case .apache: [.apache, .systemd]
        case .haproxy: [.haproxy, .systemd]
        case .none: [.systemd]
        }
    }

    /// The files for one target.
    ///
    /// - Throws: ``SpecError`` (code ``SpecError/Code/unsupportedByProxy``) when that proxy
    ///   cannot do what the spec asks, e.g. Apache with `app.proxy_protocol: v2` or Kubernetes
    ///   with a unix socket; ``SpecError`` (``SpecError/Code/missingKey``) for Kubernetes
    ///   without a `kubernetes:` section; or a
    ///   ``TemplateError`` when a template is missing.
    public func files(for target: GenerateTarget) throws -> [GeneratedFile] {
        switch target {
        case .nginx:
            try requireSupport(by: .nginx)
            return try nginxFiles()
        case .apache:
            try requireSupport(by: .apache)
            return [
                try render(
                    .apache,
                    "apache-vhost",
                    apacheContext(),
                    path: "\(spec.app.name).conf",
                    summary: "Apache httpd virtual host"
                )
            ]
        case .haproxy:
            try requireSupport(by: .haproxy)
            return [
                try render(
                    .haproxy,
                    "haproxy",
                    haproxyContext(),
                    path: "\(spec.app.name).cfg",
                    summary: "HAProxy configuration"
                )
            ]
        case .systemd:
            return try systemdFiles()
        case .kubernetes:
            return try kubernetesFiles()
        }
    }

    /// The files for several targets, in order.
    public func files(for targets: [GenerateTarget]) throws -> [GeneratedFile] {
        try targets.flatMap { try files(for: $0) }
    }

    func requireSupport(by kind: ProxySpec.Kind) throws(SpecError) {
        if spec.proxy.kind == .none {
            throw SpecError(
                .unsupportedByProxy,
                at: spec.locations["proxy.kind"],
                keyPath: "proxy.kind",
                "is none: the app serves clients directly, so there is no \(kind.rawValue) to configure"
            )
        }
        if let gap = ProxyCapabilities.gaps(of: kind, in: spec).first {
            throw SpecError(
                .unsupportedByProxy,
                at: spec.locations[gap.keyPath],
                keyPath: gap.keyPath,
                gap.message,
                fix: gap.fix
            )
        }
    }

    func render(
        _ target: GenerateTarget,
        _ template: String,
        _ context: [String: Any],
        path: String,
        summary: String
    ) throws(TemplateError) -> GeneratedFile {
        guard let text = library.render(context, withTemplate: template) else {
            throw TemplateError(file: "\(template).mustache", line: nil, "no such template")
        }
        return GeneratedFile(target: target, path: path, summary: summary, contents: Generator.tidy(text))
    }

    /// Collapses runs of blank lines (left by empty sections) and ends the file with one newline.
    static func tidy(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.last == " " ? Substring(String(line).trimming(" \t")) : line
            let blank = trimmed.allSatisfy { $0 == " " || $0 == "\t" }
            if blank, lines.last?.isEmpty ?? true { continue }
            lines.append(blank ? "" : line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Values shared by every template

    /// The name as an identifier for nginx variables, zones and upstreams (`-` → `_`).
    var identifier: String { String(spec.app.name.map { $0 == "-" ? "_" : $0 }) }

    var upstreamName: String { "\(identifier)_app" }

    func commonContext(_ target: GenerateTarget) -> [String: Any] {
        let app = spec.app
        let file = spec.file.split(separator: "/").last.map(String.init) ?? spec.file
        let policy: String
        switch app.forwardedHeaders {
        case .xForwarded: policy = "X-Forwarded-*"
        case .forwarded: policy = "Forwarded (RFC 7239)"
        case .both: policy = "X-Forwarded-* and Forwarded"
        }
        return [
            "header": """
            # Generated by `greenroom generate \(target)` from \(file). Edit the spec and regenerate
            # instead of editing this file: the app and its proxy are configured from the same values.
            """,
            "name": app.name,
            "var": identifier,
            "upstream": upstreamName,
            "app_endpoints": app.endpoints.map(\.description).joined(separator: ", "),
            "app_trust": app.trust.isEmpty ? "nobody" : app.trust.description,
            "forwarded_policy": policy,
            "x_forwarded": app.forwardedHeaders.sendsXForwarded,
            "forwarded": app.forwardedHeaders.sendsForwarded,
            "app_body_limit": SpecValues.formatBytes(app.limits.maxBodyBytes),
            "app_idle_timeout": SpecValues.format(app.limits.idleTimeout),
        ]
    }

    /// How long the proxy keeps an idle upstream connection: shorter than the app's idle timeout
    /// (5 s less, or half of it when it is under 10 s), so the app never closes a connection
    /// the proxy is about to reuse.
    var upstreamKeepaliveTimeout: Duration {
        let idle = spec.app.limits.idleTimeout
        return idle >= .seconds(10) ? idle - .seconds(5) : idle / 2
    }

    /// Client-sent forwarding headers the proxy removes (besides those it sets itself): the
    /// server's own list of forgeable names (``HeaderSanitizer/canonicalForwardingHeaderNames``),
    /// so the proxies and the server cannot drift apart.
    static var forwardingHeaders: [String] { HeaderSanitizer.canonicalForwardingHeaderNames }

    /// ``forwardingHeaders`` followed by their `_` spellings (`X_Real_IP`), for proxies that pass
    /// such names on (Apache httpd, HAProxy): CGI-style readers take `HTTP_X_REAL_IP` from either.
    static var forwardingHeadersWithUnderscoreSpellings: [String] {
        let underscored = forwardingHeaders.map { String($0.map { $0 == "-" ? "_" : $0 }) }
        return forwardingHeaders + underscored.filter { !forwardingHeaders.contains($0) }
    }
}

extension CIDR {
    /// The block as written in configs: a bare address for a single-address block.
    var configText: String { prefixLength == network.bitWidth ? network.description : description }
}
