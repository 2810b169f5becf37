/// What `greenroom generate` can produce.
public enum GenerateTarget: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// An nginx site (and a stream block with the PROXY protocol).
    case nginx
    /// An Apache httpd virtual host file.
    case apache
    /// A complete HAProxy configuration.
    case haproxy
    /// The systemd unit(s) that run the app.
    case systemd
    /// The Kubernetes manifests of the cluster topology (the spec's `kubernetes:` section).
    case kubernetes

    public var description: String { rawValue }
}

/// One generated configuration file.
public struct GeneratedFile: Sendable, Hashable {
    /// What it configures.
    public var target: GenerateTarget
    /// Its path relative to the output directory, e.g. `greenroom.conf` or
    /// `10.0.0.11/greenroom.service` (one unit per app host in the remote-proxy topology).
    public var path: String
    /// What it is, for the "wrote ..." line: `nginx site (http context)`.
    public var summary: String
    /// The file's text.
    public var contents: String

    /// Creates a file.
    public init(target: GenerateTarget, path: String, summary: String, contents: String) {
        self.target = target
        self.path = path
        self.summary = summary
        self.contents = contents
    }
}
