import Foundation
import Testing

/// One HTTP exchange made with curl.
struct CurlResponse: Sendable, CustomStringConvertible {
    /// The final status code (after redirects only with `followRedirects`).
    let status: Int
    /// Response headers in order, names as sent.
    let headers: [(name: String, value: String)]
    let body: String

    /// The first header named `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as a JSON object (e.g. `/whoami`).
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            throw HarnessError("not a JSON object: \(body)")
        }
        return object
    }

    /// A string field of the JSON body.
    func jsonString(_ key: String) throws -> String? {
        let value = try json()[key]
        if let string = value as? String { return string }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }

    var description: String {
        "HTTP \(status)\n" + headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n\n" + body
    }
}

/// Runs curl against loopback daemons.
enum Curl {
    /// Requests `url`.
    ///
    /// - Parameters:
    ///   - headers: raw `Name: value` lines, sent as given (forged forwarding headers included).
    ///   - insecure: accept the test's self-signed certificate.
    ///   - resolve: `host:port:address` entries, to send a real host name to a loopback port.
    ///   - unixSocket: talk HTTP over this unix socket instead of TCP.
    ///   - extraArguments: anything else curl understands (`--http1.0`, `--data`, ...).
    static func request(
        _ url: String,
        method: String = "GET",
        headers: [String] = [],
        insecure: Bool = true,
        resolve: [String] = [],
        unixSocket: String? = nil,
        followRedirects: Bool = false,
        extraArguments: [String] = [],
        timeout: Duration = .seconds(15)
    ) async throws -> CurlResponse {
        let curl = try TestEnvironment.requireProgram("curl")
        let scratch = try TemporaryDirectory("greenroom-curl")
        let headerFile = scratch.file("headers")
        let bodyFile = scratch.file("body")
        var arguments = [
            "-sS", "--max-time", "\(SpecSeconds.of(timeout))", "-X", method, "-D", headerFile, "-o", bodyFile, "-w",
            "%{http_code}",
        ]
        if insecure { arguments.append("-k") }
        if followRedirects { arguments.append("-L") }
        for header in headers { arguments += ["-H", header] }
        for entry in resolve { arguments += ["--resolve", entry] }
        if let unixSocket { arguments += ["--unix-socket", unixSocket] }
        arguments += extraArguments
        arguments.append(url)
        let result = try await ProcessRunner.run(curl, arguments, timeout: timeout + .seconds(5))
        guard result.succeeded, let status = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw HarnessError("curl \(url) failed: \(result)")
        }
        let rawHeaders = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        // With redirects followed, keep the last response's headers.
        let lastBlock = rawHeaders.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }.last ?? ""
        let parsed = lastBlock.components(separatedBy: "\r\n").dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let body = (try? String(contentsOfFile: bodyFile, encoding: .utf8)) ?? ""
        return CurlResponse(status: status, headers: parsed, body: body)
    }
}

enum SpecSeconds {
    /// Whole seconds, at least 1.
    static func of(_ duration: Duration) -> Int64 { max(1, duration.components.seconds) }
}
