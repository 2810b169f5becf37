import Foundation
import GreenroomCore

/// The probe through the proxy (`--probe-url`): requests carrying the forwarding headers a client
/// would forge, one header family per request, and a look at what the app behind the proxy
/// believed (`GR087`–`GR089`).
///
/// One family per request matters: an app that reads both X-Forwarded-For and Forwarded falls back
/// to the peer when they disagree, so forging both at once hides a proxy that passes either on. The
/// last request forges no forwarding header but a `Host` that injects a `Forwarded` element
/// (`localhost,for=198.51.100.55`), which a proxy copying Host into Forwarded unescaped passes on.
///
/// The request goes to `/whoami` under the URL's path (`https://localhost/` probes
/// `https://localhost/whoami`, `https://host/app/` probes `https://host/app/whoami`); Greenroom's
/// server answers it with `{"client","client_port","peer","scheme","host","via"}`. A `Greenroom-Probe`
/// response header with the same JSON is read when present, so an app can answer any path.
package struct ForgeryProbe: Sendable {
    /// The URL given.
    package var url: String
    /// How the request is sent.
    package var transport: any ProbeTransport
    /// How long the request may take.
    package var timeout: Duration

    /// The host name forged in `X-Forwarded-Host` and `Forwarded: host=`.
    package static let forgedHost = "forged.greenroom.invalid"
    /// The addresses forged, by the header that carries each (documentation addresses, RFC 5737).
    package static let forgedAddresses: [(address: String, header: String)] = [
        ("198.51.100.66", "X-Forwarded-For"), ("198.51.100.77", "Forwarded"), ("198.51.100.88", "X-Real-IP"),
        ("198.51.100.99", "CF-Connecting-IP/True-Client-IP/X-Client-IP"),
        ("198.51.100.55", "Host (a Forwarded element injected through the Host header)"),
    ]
    /// The address injected as a `Forwarded` element through the `Host` header.
    package static let injectedThroughHost = "198.51.100.55"

    /// Creates a probe.
    package init(url: String, transport: any ProbeTransport, timeout: Duration = .seconds(10)) {
        self.url = url
        self.transport = transport
        self.timeout = timeout
    }

    /// Why `url` cannot be probed (not `http://` or `https://` with a host), or `nil`.
    package static func problem(with url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return "--probe-url '\(url)' is not an http:// or https:// URL with a host" }
        if components.query != nil || components.fragment != nil {
            return "--probe-url '\(url)': give the proxy's base URL, without a query or fragment"
        }
        return nil
    }

    /// The `/whoami` URL under `url`'s path.
    package static func whoamiURL(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        var path = components.path
        if path.hasSuffix("/whoami") { return url }
        if !path.hasSuffix("/") { path += "/" }
        components.path = path + "whoami"
        return components.string ?? url
    }

    /// The scheme a forger would claim: the opposite of the URL's.
    var forgedScheme: String { url.lowercased().hasPrefix("https:") ? "http" : "https" }

    /// The forged request headers, one family per request: X-Forwarded-For; Forwarded; X-Real-IP
    /// and the CDN headers; X-Forwarded-Proto and -Host; a Host that injects a Forwarded element.
    var forgedFamilies: [[(name: String, value: String)]] {
        [
            [("X-Forwarded-For", "198.51.100.66")],
            [("Forwarded", "for=198.51.100.77;proto=\(forgedScheme);host=\(Self.forgedHost)")],
            [
                ("X-Real-IP", "198.51.100.88"), ("CF-Connecting-IP", "198.51.100.99"),
                ("True-Client-IP", "198.51.100.99"), ("X-Client-IP", "198.51.100.99"),
            ],
            [("X-Forwarded-Proto", forgedScheme), ("X-Forwarded-Host", Self.forgedHost)],
            [("Host", "\(Self.authority(of: url)),for=\(Self.injectedThroughHost)")],
        ]
    }

    /// `host[:port]` of a URL, as a client puts it in `Host`.
    static func authority(of url: String) -> String {
        guard let separator = url.firstRange(of: "://") else { return url }
        let rest = url[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return String(authority.split(separator: "@").last ?? authority)
    }

    /// Sends one probe per header family and judges every answer; the first answer is reported.
    package func run() -> [Finding] {
        var findings: [Finding] = []
        for (index, headers) in forgedFamilies.enumerated() {
            let isHostProbe = headers.first?.name == "Host"
            let answer = probe(headers, reportsWhatWasSeen: index == 0)
            if index == 0, answer.contains(where: { $0.rule == .probeFailed }) { return answer }
            for finding in answer where !findings.contains(finding) {
                // A proxy that refuses the injected Host (HTTP 400) is doing its job.
                if isHostProbe && finding.rule == .probeFailed { continue }
                findings.append(finding)
            }
        }
        return findings
    }

    /// Sends one request with `headers` and judges the answer.
    func probe(_ headers: [(name: String, value: String)], reportsWhatWasSeen: Bool) -> [Finding] {
        let target = Self.whoamiURL(url)
        let response: ProbeResponse
        do {
            response = try transport.get(target, headers: headers, timeout: timeout)
        } catch {
            return [failure("GET \(target) failed: \(error.message)")]
        }
        let text = response.header("Greenroom-Probe") ?? response.body
        guard (200..<300).contains(response.status) || response.header("Greenroom-Probe") != nil else {
            let location = response.header("Location").map { ", redirected to \($0): probe that URL instead" } ?? ""
            return [failure("GET \(target) answered HTTP \(response.status)\(location)")]
        }
        guard let data = text.data(using: .utf8),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let client = object["client"] as? String
        else {
            return [
                failure("GET \(target) did not answer with /whoami's JSON: is Greenroom's server behind this proxy?")
            ]
        }
        let seen = Seen(
            client: client,
            via: object["via"] as? String ?? "?",
            peer: object["peer"] as? String ?? "?",
            scheme: object["scheme"] as? String ?? "?",
            host: object["host"] as? String
        )
        let findings = judge(seen, target: target)
        return reportsWhatWasSeen ? findings : findings.filter { $0.rule != .probeReport }
    }

    /// What the app reported.
    struct Seen {
        var client: String
        var via: String
        var peer: String
        var scheme: String
        var host: String?
    }

    func judge(_ seen: Seen, target: String) -> [Finding] {
        var findings: [Finding] = []
        let hostText = seen.host ?? "(none)"
        findings.append(
            Rule.probeReport.finding(
                at: nil,
                "probe \(target): the app saw client \(seen.client) via \(seen.via) (peer \(seen.peer)), "
                    + "scheme \(seen.scheme), host \(hostText)",
                fix: "nothing to fix; compare with what the proxy saw"
            )
        )
        if let forged = Self.forgedAddresses.first(where: { $0.address == seen.client }) {
            findings.append(
                Rule.probeForgeryBelieved.finding(
                    at: nil,
                    "the app took the client address \(forged.address) from the probe's forged \(forged.header) "
                        + "(via \(seen.via)): whoever reaches the proxy chooses their own address",
                    fix: "make the proxy replace the header instead of passing it on: proxy_set_header "
                        + "X-Forwarded-For $remote_addr; (nginx), RequestHeader unset/set (httpd); check realip trust"
                )
            )
        }
        if seen.scheme == forgedScheme {
            let asked = forgedScheme == "http" ? "https" : "http"
            let cause =
                seen.via == "peer"
                ? "it used no forwarding header (via peer): the proxy's were missing, untrusted or contradicted by "
                    + "the client's, so it fell back to the connection's scheme"
                : "it believed the forged X-Forwarded-Proto"
            findings.append(
                Rule.probeForgeryBelieved.finding(
                    at: nil,
                    "the app saw scheme \(seen.scheme) for a request made with \(asked): \(cause)",
                    fix: "make the proxy set every forwarding header the app reads: proxy_set_header "
                        + "X-Forwarded-Proto $scheme; and X-Forwarded-For $remote_addr; (nginx), RequestHeader set (httpd)"
                )
            )
        }
        if seen.host?.lowercased() == Self.forgedHost {
            findings.append(
                Rule.probeForgeryBelieved.finding(
                    at: nil,
                    "the app took its host name from the probe's forged X-Forwarded-Host",
                    fix:
                        "proxy_set_header X-Forwarded-Host $host; (nginx), RequestHeader unset X-Forwarded-Host (httpd)"
                )
            )
        }
        return findings
    }

    private func failure(_ message: String) -> Finding {
        Rule.probeFailed.finding(
            at: nil,
            message,
            fix: "give --probe-url the proxy's URL in front of a running Greenroom app, e.g. https://localhost/"
        )
    }
}
