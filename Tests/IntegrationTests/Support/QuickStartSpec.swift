import Foundation

/// The spec `greenroom init` wrote, with only the *deployment* values a user adapts to their
/// machine changed: where things listen, where the certificate is, which proxy runs. Each edit
/// replaces exactly one line of init's text and says so on the line; if init's text changes so
/// that a line is missing or repeated, the edit fails naming it instead of guessing.
struct QuickStartSpec {
    /// The spec's text.
    private(set) var text: String

    init(_ text: String) { self.text = text }

    /// Replaces the one line that starts with `prefix` (indentation included) by `line`.
    mutating func replaceLine(startingWith prefix: String, with line: String) throws {
        var lines = text.components(separatedBy: "\n")
        let matches = lines.indices.filter { lines[$0].hasPrefix(prefix) }
        guard matches.count == 1 else {
            throw HarnessError(
                "greenroom init's spec has \(matches.count) lines starting with '\(prefix)', not one: update QuickStartSpec"
            )
        }
        lines[matches[0]] = line + "    # adapted by the test"
        text = lines.joined(separator: "\n")
    }

    /// The deployment on this machine's loopback with the production settings on: the app on
    /// `app`, the proxy's plain HTTP and HTTPS on `http`/`https` (free loopback ports instead of 80/443, which a test may not
    /// take), the test's self-signed certificate instead of Let's Encrypt's files, the ACME
    /// webroot in the test's directory, and the proxy the user runs.
    mutating func adapt(
        app: UInt16,
        http: UInt16,
        https: UInt16,
        certificate: SelfSignedCertificate,
        acmeWebroot: String,
        proxy: String = "nginx",
        proxyProtocol: String = "off"
    ) throws {
        try replaceLine(startingWith: "    port: ", with: "    port: \(app)")
        try replaceLine(startingWith: "    http: ", with: "    http: [\"127.0.0.1:\(http)\"]")
        // The lines init wrote commented as "production", turned on.
        try replaceLine(startingWith: "    # https: ", with: "    https: [\"127.0.0.1:\(https)\"]")
        try replaceLine(startingWith: "  # tls:", with: "  tls:")
        try replaceLine(startingWith: "  #   acme_webroot: ", with: "    acme_webroot: \(acmeWebroot)")
        try replaceLine(startingWith: "  #   certificate: ", with: "    certificate: \(certificate.certificate)")
        try replaceLine(startingWith: "  #   key: ", with: "    key: \(certificate.key)")
        try replaceLine(startingWith: "  #   haproxy_pem: ", with: "    haproxy_pem: \(certificate.combined)")
        try replaceLine(startingWith: "  kind: ", with: "  kind: \(proxy)")
        try replaceLine(startingWith: "  proxy_protocol: ", with: "  proxy_protocol: \(proxyProtocol)")
    }
}
