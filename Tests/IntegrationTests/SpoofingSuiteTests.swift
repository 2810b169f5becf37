import Foundation
import Testing

/// Forged forwarding headers from the client, through every generated proxy configuration in
/// front of a real `greenroom serve`: none may change what `/whoami` reports. Each proxy starts
/// once for the whole suite; every forgery is its own row against each of them.
@Suite(.sharedFixtures) struct SpoofingSuiteTests {
    /// One forgery: header lines a client sends, exactly as written.
    struct Forgery: Sendable, CustomTestStringConvertible {
        let name: String
        let headers: [String]
        /// Sent over HTTP/2 (where the proxy speaks it) instead of HTTP/1.1.
        var http2 = false
        /// A proxy may refuse the request (4xx) instead of serving it; if it serves it, the
        /// answer must still be unchanged.
        var mayBeRefused = false
        /// The forgery replaces the request's own `Host`: the app may then report no host, or the
        /// client's host name when it is a plain one, but never the host smuggled inside it.
        var replacesHost = false

        var testDescription: String { name }
    }

    /// Addresses, schemes and hosts a forger would like the app to believe.
    static let forgedHost = "evil.example"

    static let forgeries: [Forgery] =
        [
            Forgery(name: "X-Forwarded-For", headers: ["X-Forwarded-For: 198.51.100.1"]),
            Forgery(name: "X-Forwarded-For chain", headers: ["X-Forwarded-For: 198.51.100.1, 203.0.113.7, 127.0.0.1"]),
            Forgery(name: "X-Forwarded-For claims loopback", headers: ["X-Forwarded-For: 127.0.0.1"]),
            Forgery(name: "Forwarded", headers: ["Forwarded: for=198.51.100.2;proto=http;host=\(forgedHost)"]),
            Forgery(name: "Forwarded IPv6 and port", headers: ["Forwarded: for=\"[2001:db8::2]:4711\";proto=http"]),
            Forgery(
                name: "Forwarded with several elements",
                headers: ["Forwarded: for=198.51.100.2;proto=http, for=203.0.113.8;host=\(forgedHost), for=127.0.0.1"]
            ),
            Forgery(
                name: "X-Forwarded-For IPv6 with a port",
                headers: ["X-Forwarded-For: [2001:db8::3]:443, 198.51.100.2"]
            ),
            Forgery(name: "X-Forwarded-Proto", headers: ["X-Forwarded-Proto: http"]),
            Forgery(
                name: "other scheme headers",
                headers: [
                    "X-Forwarded-Ssl: off", "X-Forwarded-Scheme: http", "X-Url-Scheme: http", "Front-End-Https: off",
                    "X-Forwarded-Protocol: http",
                ]
            ),
            Forgery(name: "X-Forwarded-Host", headers: ["X-Forwarded-Host: \(forgedHost)"]),
            Forgery(
                name: "X-Forwarded-Port and Prefix",
                headers: ["X-Forwarded-Port: 1", "X-Forwarded-Prefix: /evil"]
            ),
            Forgery(name: "X-Real-IP", headers: ["X-Real-IP: 198.51.100.3"]),
            Forgery(
                name: "CDN client headers",
                headers: [
                    "True-Client-IP: 198.51.100.4", "CF-Connecting-IP: 198.51.100.4", "X-Client-IP: 198.51.100.4",
                    "Client-IP: 198.51.100.4", "X-Cluster-Client-IP: 198.51.100.4",
                ]
            ),
            Forgery(
                name: "duplicated header lines",
                headers: [
                    "X-Forwarded-For: 198.51.100.5", "X-Forwarded-For: 198.51.100.6", "Forwarded: for=198.51.100.5",
                    "Forwarded: for=198.51.100.6", "X-Forwarded-Proto: http", "X-Forwarded-Proto: http",
                    "X-Forwarded-Host: \(forgedHost)", "X-Forwarded-Host: \(forgedHost)",
                ]
            ),
            Forgery(
                name: "mixed-case names",
                headers: [
                    "x-FORWARDED-for: 198.51.100.7", "fOrWaRdEd: for=198.51.100.7;proto=http",
                    "X-FORWARDED-PROTO: http", "x-forwarded-HOST: \(forgedHost)", "x-real-ip: 198.51.100.7",
                ]
            ),
            Forgery(
                name: "underscores for dashes",
                headers: [
                    "X_Forwarded_For: 198.51.100.8", "X_Real_IP: 198.51.100.8", "X_Forwarded_Proto: http",
                    "X_Forwarded_Host: \(forgedHost)",
                ]
            ),
            Forgery(
                name: "long X-Forwarded-For chain",
                headers: [
                    "X-Forwarded-For: " + (0..<250).map { "198.51.\($0 % 100).\($0 % 250 + 1)" }.joined(separator: ", ")
                ]
            ),
            Forgery(
                name: "oversized forwarding headers",
                headers: [
                    "X-Forwarded-For: " + (0..<900).map { "198.51.100.\($0 % 250 + 1)" }.joined(separator: ","),
                    "Forwarded: " + (0..<600).map { "for=198.51.100.\($0 % 250 + 1)" }.joined(separator: ","),
                ],
                mayBeRefused: true
            ),
            Forgery(
                name: "garbage values",
                headers: [
                    "X-Forwarded-For: not-an-ip, 999.1.1.1, _hidden, unknown, , ;;",
                    "Forwarded: for=;;proto=javascript;host=\"",
                    "X-Forwarded-Proto: gopher", "X-Forwarded-Host: a b\tc", "X-Real-IP: \"\"",
                ]
            ),
            Forgery(
                name: "non-ASCII values",
                headers: ["X-Forwarded-For: 198.51.100.9\u{00e9}", "X-Forwarded-Host: \u{00e9}vil.example"]
            ),
            Forgery(
                name: "space before the colon",
                headers: ["X-Forwarded-For : 198.51.100.10", "X-Forwarded-Proto : http"],
                mayBeRefused: true
            ),
            Forgery(
                name: "hop-by-hop Connection naming the proxy's headers",
                headers: [
                    "Connection: keep-alive, X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host, Forwarded, X-Real-IP",
                    "X-Forwarded-For: 198.51.100.11", "X-Forwarded-Proto: http",
                ]
            ),
            Forgery(
                name: "hop-by-hop Connection naming Host",
                headers: ["Connection: keep-alive, Host", "X-Forwarded-Host: \(forgedHost)"]
            ),
            Forgery(name: "everything at once over HTTP/2", headers: ProxyWhoamiTests.forged, http2: true),
        ] + hostInjections

    /// A `Host` that closes the proxy's quoted `host="..."` and appends a `Forwarded` element
    /// of its own (or a comma-separated X-Forwarded-Host entry): nginx and HAProxy pass `"`, `,`
    /// and `;` in Host. Apache refuses such hosts with 400.
    static let hostInjections: [Forgery] = [
        Forgery(
            name: "Host closing the quoted host= and appending an element",
            headers: ["Host: a\",for=198.51.100.12;proto=http;host=\"\(forgedHost)"],
            mayBeRefused: true,
            replacesHost: true
        ),
        Forgery(
            name: "Host with an element after a comma, unquoted",
            headers: ["Host: localhost,for=198.51.100.13;proto=http;host=\(forgedHost)"],
            mayBeRefused: true,
            replacesHost: true
        ),
        Forgery(
            name: "Host with parameters after a semicolon",
            headers: ["Host: localhost;for=198.51.100.14;proto=http;host=\(forgedHost)"],
            mayBeRefused: true,
            replacesHost: true
        ),
        Forgery(
            name: "Host as a comma-separated list",
            headers: ["Host: \(forgedHost), localhost"],
            mayBeRefused: true,
            replacesHost: true
        ),
        // A rejected Host leaves X-Forwarded-Host unset by the proxy: the client's own must not
        // slip through in its place.
        Forgery(
            name: "rejected Host with the client's own X-Forwarded-Host and Forwarded",
            headers: [
                "Host: a\"b", "X-Forwarded-Host: \(forgedHost)", "Forwarded: for=198.51.100.16;host=\(forgedHost)",
            ],
            mayBeRefused: true,
            replacesHost: true
        ),
        // The port the proxy forwards is the one it listens on, never the one written in Host
        // (Apache's %{SERVER_PORT} is Host's port under UseCanonicalName Off).
        Forgery(name: "Host with a port of the client's choosing", headers: ["Host: localhost:1"], replacesHost: true),
        Forgery(
            name: "Host closing the quote over HTTP/2",
            headers: ["Host: a\",for=198.51.100.15;proto=http;host=\"\(forgedHost)"],
            http2: true,
            mayBeRefused: true,
            replacesHost: true
        ),
    ]

    /// What `/whoami` must say through `proxy`, whatever the client sends.
    struct Expected: CustomStringConvertible {
        let client: String
        let scheme: String
        let host: String

        var description: String { "client \(client), scheme \(scheme), host \(host)" }
    }

    static func expected(_ proxy: RunningSpoofingProxy) -> Expected {
        let port = proxy.httpsPort
        switch proxy.configuration {
        case .nginxTCP, .nginxUnixSocket, .nginxForwardedOnly, .nginxXForwardedOnly:
            // Host and X-Forwarded-Host are nginx's $host: the name without the port.
            return Expected(client: SpoofingProxy.clientAddress, scheme: "https", host: "localhost")
        case .nginxStreamProxyV1:
            // nginx forwards bytes: the client's own Host line. PROXY v1 cannot say "TLS", so the
            // app sees http: a known limit of this deployment, which `greenroom check` flags (GR009).
            return Expected(client: SpoofingProxy.clientAddress, scheme: "http", host: "localhost:\(port)")
        case .apache, .haproxyForwardedFor, .haproxyProxyV2, .apacheForwardedOnly, .haproxyForwardedOnly,
            .haproxyXForwardedOnly:
            return Expected(client: SpoofingProxy.clientAddress, scheme: "https", host: "localhost:\(port)")
        }
    }

    /// What each configuration tells the app when nobody forges anything.
    @Test(arguments: SpoofingProxy.allCases)
    func theProxysOwnView(_ configuration: SpoofingProxy) async throws {
        let proxy = try await configuration.running()
        let response = try await proxy.whoami(headers: [])
        try Self.expectUnchanged(response, proxy, "no forgery")
    }

    @Test(arguments: SpoofingProxy.allCases, forgeries)
    func forgedHeadersChangeNothing(_ configuration: SpoofingProxy, _ forgery: Forgery) async throws {
        let proxy = try await configuration.running()
        let response = try await proxy.whoami(headers: forgery.headers, http2: forgery.http2)
        if forgery.mayBeRefused, (400..<500).contains(response.status) { return }
        try Self.expectUnchanged(response, proxy, forgery.name, hostReplaced: forgery.replacesHost)
    }

    /// A PROXY header the client writes at the start of its TLS stream: through an HTTP proxy it
    /// is a bad request line, through nginx's stream proxy it reaches the app after nginx's own
    /// header, where it is HTTP garbage (the app answers 400). Never a client address.
    @Test(arguments: SpoofingProxy.allCases, ["v1", "v2"])
    func aProxyHeaderInsideTheClientsStreamIsNeverBelieved(
        _ configuration: SpoofingProxy,
        _ version: String
    ) async throws {
        let proxy = try await configuration.running()
        let header =
            version == "v1"
            ? Array("PROXY TCP4 198.51.100.70 127.0.0.1 4711 443\r\n".utf8)
            : ProxyV2Bytes.tcp4(source: [198, 51, 100, 71], destination: [127, 0, 0, 1])
        let request = "GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        let reply = try await proxy.exchangeOverTLS(header + Array(request.utf8))
        let context = "\(configuration.rawValue), PROXY \(version) in the stream: \(reply.debugDescription)"
        #expect(!reply.contains("198.51.100.7"), "\(context)\n\(proxy.logs)")
        let status = reply.hasPrefix("HTTP/1.") ? Int(reply.dropFirst(9).prefix(3)) : nil
        #expect(status.map { (400..<500).contains($0) } == true, "a bad request, by the proxy or the app: \(context)")
    }

    static func expectUnchanged(
        _ response: CurlResponse,
        _ proxy: RunningSpoofingProxy,
        _ what: String,
        hostReplaced: Bool = false,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let expected = expected(proxy)
        let context = "\(proxy.configuration.rawValue), \(what): expected \(expected), got \(response)"
        try #require(response.status == 200, "\(context)\n\(proxy.logs)", sourceLocation: sourceLocation)
        let json = try response.json()
        #expect(json["client"] as? String == expected.client, "\(context)", sourceLocation: sourceLocation)
        #expect(json["scheme"] as? String == expected.scheme, "\(context)", sourceLocation: sourceLocation)
        if hostReplaced {
            // The client chose the Host; what the app reports must be a plain host name or none.
            if let host = json["host"] as? String {
                #expect(
                    host.allSatisfy { $0.isLetter || $0.isNumber || ".-_:[]".contains($0) }
                        && !host.contains(forgedHost),
                    "a smuggled host: \(context)",
                    sourceLocation: sourceLocation
                )
            }
        } else {
            #expect(json["host"] as? String == expected.host, "\(context)", sourceLocation: sourceLocation)
        }
        #expect(json["prefix"] is NSNull, "a forged prefix: \(context)", sourceLocation: sourceLocation)
        let port = json["port"] as? Int
        #expect(
            port == nil || port == Int(proxy.httpsPort),
            "a forged port: \(context)",
            sourceLocation: sourceLocation
        )
    }
}
