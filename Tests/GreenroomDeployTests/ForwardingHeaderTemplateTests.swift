import Foundation
import GreenroomCore
import GreenroomDeploy
import Testing

/// What the generated proxies put into the headers the app trusts, and which client headers they
/// clear: no client-controlled byte inside a trusted header unchecked, and exactly the server's
/// own list of forgeable names cleared (``HeaderSanitizer/canonicalForwardingHeaderNames``).
@Suite struct ForwardingHeaderTemplateTests {
    static let policies = ["x-forwarded", "forwarded", "both"]
    static let proxies: [ProxySpec.Kind] = [.nginx, .apache, .haproxy]

    static func config(_ kind: ProxySpec.Kind, _ policy: String) throws -> String {
        let target: GenerateTarget =
            switch kind {
            case .nginx: .nginx
            case .apache: .apache
            default: .haproxy
            }
        return try render(try spec("app:\n  forwarded_headers: \(policy)\nproxy:\n  kind: \(kind)\n"), target)
    }

    /// The `Forwarded` lines a config sends (nginx, Apache, HAProxy spellings).
    static func forwardedLines(_ config: String) -> [String] {
        lines(config).filter {
            $0.hasPrefix("proxy_set_header Forwarded ") || $0.hasPrefix("RequestHeader set Forwarded ")
                || $0.hasPrefix("http-request set-header Forwarded ")
        }
    }

    /// A client's `Host` ends up inside a quoted `host="..."`; nginx and HAProxy let `"`, `,` and
    /// `;` through there, so a client could append its own element. Forwarded carries only what
    /// the proxy computes: the connection's address and scheme.
    @Test(arguments: proxies, policies)
    func forwardedCarriesNoClientBytes(_ kind: ProxySpec.Kind, _ policy: String) throws {
        let config = try Self.config(kind, policy)
        for line in Self.forwardedLines(config) {
            #expect(!line.contains("host="), "\(kind): \(line)")
            for clientValue in ["$host", "$http_", "$request_uri", "req.hdr", "req.fhdr", "HTTP_HOST", "%{HTTP_"] {
                #expect(!line.contains(clientValue), "\(kind): \(line)")
            }
        }
    }

    /// nginx: X-Forwarded-Host is `$host` only when it is a plain host name, else not sent.
    @Test func nginxSendsOnlyAValidatedHostInXForwardedHost() throws {
        let site = lines(try Self.config(.nginx, "both"))
        #expect(site.contains("proxy_set_header X-Forwarded-Host $greenroom_forwarded_host;"))
        let map = try #require(site.firstIndex(of: "map $host $greenroom_forwarded_host {"))
        #expect(site[map + 1] == "\"~^[A-Za-z0-9.-]+$\" $host;")
        #expect(site[map + 2] == "\"~^\\[[0-9A-Fa-f:.]+\\]$\" $host;")
        #expect(site[map + 3] == "default \"\";")
        #expect(!site.contains { $0.hasPrefix("proxy_set_header X-") && $0.contains("$host") })
    }

    /// HAProxy: X-Forwarded-Host only when the whole Host header is a plain host name.
    @Test func haproxySendsOnlyAValidatedHostInXForwardedHost() throws {
        let config = lines(try Self.config(.haproxy, "both"))
        let line = try #require(config.first { $0.hasPrefix("http-request set-header X-Forwarded-Host ") })
        #expect(
            line
                == "http-request set-header X-Forwarded-Host %[req.fhdr(host)] if { req.fhdr(host) -m reg '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]+)?$' }"
        )
    }

    @Test func theServersListHasEveryForgeableName() {
        let names = Set(HeaderSanitizer.canonicalForwardingHeaderNames)
        for name in [
            "Fastly-Client-IP", "X-Original-URL", "X-Rewrite-URL", "X-Forwarded-Protocol", "Front-End-Https",
            "CF-Connecting-IPv6", "X-Real-IP", "X-Forwarded-For",
        ] {
            #expect(names.contains(name), "\(name)")
        }
        #expect(
            HeaderSanitizer.forwardingHeaderNames
                == HeaderSanitizer.canonicalForwardingHeaderNames.map {
                    $0.lowercased()
                }
        )
        for name in ["X_Real_IP", "X_Forwarded_For", "fastly-client-ip"] {
            #expect(HeaderSanitizer().isForwardingHeader(name), "\(name)")
        }
    }

    /// The header names a config sets or clears, as written in it.
    static func handledNames(_ kind: ProxySpec.Kind, _ config: String) -> Set<String> {
        let prefixes =
            switch kind {
            case .nginx: ["proxy_set_header "]
            case .apache: ["RequestHeader unset ", "RequestHeader set "]
            default: ["http-request del-header ", "http-request set-header "]
            }
        var names = Set<String>()
        for line in lines(config) {
            guard let prefix = prefixes.first(where: { line.hasPrefix($0) }) else { continue }
            names.insert(String(line.dropFirst(prefix.count).prefix { $0 != " " }))
        }
        return names
    }

    /// Every name the server strips from untrusted peers is set or cleared by every proxy, so
    /// the two lists cannot drift: the proxies' list is rendered from the server's.
    @Test(arguments: proxies, policies)
    func everyProxyClearsWhatTheServerStrips(_ kind: ProxySpec.Kind, _ policy: String) throws {
        let handled = Self.handledNames(kind, try Self.config(kind, policy))
        for name in HeaderSanitizer.canonicalForwardingHeaderNames {
            #expect(handled.contains(name), "\(kind) \(policy): \(name) passes through")
            // nginx drops names with "_" itself (underscores_in_headers off); the others pass
            // them on unless told, and CGI-style readers take X_Real_IP for X-Real-IP.
            let underscored = name.replacingOccurrences(of: "-", with: "_")
            if kind != .nginx, underscored != name {
                #expect(handled.contains(underscored), "\(kind) \(policy): \(underscored) passes through")
            }
        }
    }

    @Test func nginxDropsHeaderNamesWithUnderscores() throws {
        let site = lines(try Self.config(.nginx, "both"))
        #expect(site.contains("underscores_in_headers off;"))
        #expect(site.contains("ignore_invalid_headers on;"))
    }
}
