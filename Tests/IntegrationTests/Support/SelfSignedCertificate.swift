import Foundation
import Testing

/// A throw-away TLS certificate for `localhost` and `127.0.0.1`, made with openssl.
struct SelfSignedCertificate: Sendable {
    /// The certificate (PEM).
    let certificate: String
    /// The private key (PEM).
    let key: String
    /// Certificate and key in one file, as HAProxy wants.
    let combined: String

    /// Makes a P-256 certificate valid for two days in `directory`.
    static func make(
        in directory: TemporaryDirectory,
        commonName: String = "localhost"
    ) async throws -> SelfSignedCertificate {
        let openssl = try TestEnvironment.requireProgram("openssl")
        let tls = try directory.makeDirectory("tls")
        let certificate = "\(tls)/cert.pem"
        let key = "\(tls)/key.pem"
        let result = try await ProcessRunner.run(
            openssl,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-keyout", key, "-out", certificate, "-subj", "/CN=\(commonName)",
                "-addext", "subjectAltName=DNS:\(commonName),IP:127.0.0.1",
            ],
            timeout: .seconds(30)
        )
        guard result.succeeded else { throw HarnessError("could not make a certificate: \(result)") }
        let pem =
            try String(contentsOfFile: certificate, encoding: .utf8) + String(contentsOfFile: key, encoding: .utf8)
        let combined = try directory.write("tls/combined.pem", pem)
        return SelfSignedCertificate(certificate: certificate, key: key, combined: combined)
    }
}
