import GreenroomCore
import GreenroomGuard
import Synchronization
import Testing

/// The probe's verdicts on scripted `/whoami` answers.
@Suite struct ForgeryProbeTests {
    /// Answers every request with `result` and remembers what was asked.
    final class ScriptedTransport: ProbeTransport {
        let result: Result<ProbeResponse, ProbeError>
        let requests = Mutex<[(url: String, headers: [String])]>([])

        init(_ result: Result<ProbeResponse, ProbeError>) { self.result = result }

        func get(
            _ url: String,
            headers: [(name: String, value: String)],
            timeout: Duration
        ) throws(ProbeError) -> ProbeResponse {
            requests.withLock { $0.append((url, headers.map { "\($0.name): \($0.value)" })) }
            return try result.get()
        }
    }

    static func whoami(
        client: String,
        via: String = "x-forwarded-for",
        scheme: String = "https",
        host: String = "localhost"
    )
        -> ScriptedTransport
    {
        let body = """
            {"client":"\(client)","client_port":null,"peer":"127.0.0.1:51234","scheme":"\(scheme)","host":"\(host)","via":"\(via)"}
            """
        return ScriptedTransport(
            .success(ProbeResponse(status: 200, headers: [("Content-Type", "application/json")], body: body))
        )
    }

    static func rules(_ findings: [Finding]) -> [String] { findings.map(\.rule.description).sorted() }

    @Test func aProxyThatReplacesTheHeadersPasses() {
        let transport = Self.whoami(client: "127.0.0.1")
        let findings = ForgeryProbe(url: "https://localhost:8443/", transport: transport).run()
        #expect(Self.rules(findings) == ["GR088"])
        #expect(findings[0].severity == .info)
        #expect(
            findings[0].message
                == "probe https://localhost:8443/whoami: the app saw client 127.0.0.1 via x-forwarded-for "
                + "(peer 127.0.0.1:51234), scheme https, host localhost"
        )
        let requests = transport.requests.withLock { $0 }
        #expect(Set(requests.map(\.url)) == ["https://localhost:8443/whoami"])
        // One header family per request, so the app's policy for disagreeing headers hides nothing.
        #expect(
            requests.map(\.headers) == [
                ["X-Forwarded-For: 198.51.100.66"],
                ["Forwarded: for=198.51.100.77;proto=http;host=forged.greenroom.invalid"],
                [
                    "X-Real-IP: 198.51.100.88", "CF-Connecting-IP: 198.51.100.99", "True-Client-IP: 198.51.100.99",
                    "X-Client-IP: 198.51.100.99",
                ],
                ["X-Forwarded-Proto: http", "X-Forwarded-Host: forged.greenroom.invalid"],
                ["Host: localhost:8443,for=198.51.100.55"],
            ]
        )
    }

    /// An app with a `both` policy: X-Forwarded-For and Forwarded that disagree fall back to the peer.
    final class BothPolicyApp: ProbeTransport {
        /// Whether the proxy passes the client's X-Forwarded-For on (and sets Forwarded itself).
        let passesClientXFF: Bool
        /// Whether the proxy writes the Host into Forwarded unescaped.
        let copiesHostIntoForwarded: Bool

        init(passesClientXFF: Bool = false, copiesHostIntoForwarded: Bool = false) {
            self.passesClientXFF = passesClientXFF
            self.copiesHostIntoForwarded = copiesHostIntoForwarded
        }

        func get(
            _ url: String,
            headers: [(name: String, value: String)],
            timeout: Duration
        ) throws(ProbeError) -> ProbeResponse {
            let sent = Dictionary(headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
            var xff: String? = nil
            var forwarded: String? = nil
            if passesClientXFF {
                xff = sent["x-forwarded-for"]
                forwarded = sent["forwarded"]
            } else if copiesHostIntoForwarded {
                forwarded = "for=127.0.0.1;host=\(sent["host"] ?? "localhost")"
            }
            let forwardedClient = forwarded.map {
                String($0.split(separator: ",").last!.split(separator: ";")[0].dropFirst(4))
            }
            let (client, via): (String, String)
            switch (xff, forwardedClient) {
            case (let xff?, let forwarded?): (client, via) = xff == forwarded ? (xff, "both") : ("127.0.0.1", "peer")
            case (let xff?, nil): (client, via) = (xff, "x-forwarded-for")
            case (nil, let forwarded?): (client, via) = (forwarded, "forwarded")
            case (nil, nil): (client, via) = ("127.0.0.1", "peer")
            }
            let body = """
                {"client":"\(client)","peer":"127.0.0.1:5","scheme":"https","host":"localhost","via":"\(via)"}
                """
            return ProbeResponse(status: 200, body: body)
        }
    }

    @Test func eachForgedFamilyIsProbedAlone() {
        let passes = ForgeryProbe(url: "https://localhost/", transport: BothPolicyApp(passesClientXFF: true)).run()
        #expect(Self.rules(passes) == ["GR087", "GR087", "GR088"])
        #expect(passes.contains { $0.message.contains("198.51.100.77 from the probe's forged Forwarded") })
        #expect(
            passes.contains {
                $0.message.contains("client address 198.51.100.66 from the probe's forged X-Forwarded-For")
            }
        )

        let injects = ForgeryProbe(url: "https://localhost/", transport: BothPolicyApp(copiesHostIntoForwarded: true))
            .run()
        #expect(Self.rules(injects) == ["GR087", "GR088"])
        #expect(injects.contains { $0.message.contains("198.51.100.55") && $0.message.contains("Host") })

        let clean = ForgeryProbe(url: "https://localhost/", transport: BothPolicyApp()).run()
        #expect(Self.rules(clean) == ["GR088"])
    }

    @Test(arguments: [
        ("198.51.100.66", "X-Forwarded-For"), ("198.51.100.77", "Forwarded"), ("198.51.100.88", "X-Real-IP"),
        ("198.51.100.99", "CF-Connecting-IP"),
    ])
    func aForgedClientAddressIsAnError(_ client: String, _ header: String) {
        let findings = ForgeryProbe(url: "https://localhost/", transport: Self.whoami(client: client)).run()
        #expect(Self.rules(findings) == ["GR087", "GR088"])
        let forged = findings.first { $0.rule.description == "GR087" }
        #expect(forged?.severity == .error)
        #expect(forged?.message.contains("client address \(client) from the probe's forged \(header)") == true)
    }

    @Test func aForgedSchemeOrHostIsAnError() {
        let downgraded = ForgeryProbe(
            url: "https://localhost/",
            transport: Self.whoami(client: "127.0.0.1", scheme: "http")
        ).run()
        #expect(Self.rules(downgraded) == ["GR087", "GR088"])
        #expect(
            downgraded.first { $0.rule.description == "GR087" }?.message.hasSuffix(
                "it believed the forged X-Forwarded-Proto"
            )
                == true
        )
        let ignored = ForgeryProbe(
            url: "https://localhost/",
            transport: Self.whoami(client: "127.0.0.1", via: "peer", scheme: "http")
        ).run()
        #expect(
            ignored.first { $0.rule.description == "GR087" }?.message.contains(
                "it used no forwarding header (via peer)"
            ) == true
        )
        let upgraded = ForgeryProbe(
            url: "http://localhost/",
            transport: Self.whoami(client: "127.0.0.1", scheme: "https")
        ).run()
        #expect(Self.rules(upgraded) == ["GR087", "GR088"])
        let plain = ForgeryProbe(url: "http://localhost/", transport: Self.whoami(client: "127.0.0.1", scheme: "http"))
            .run()
        #expect(Self.rules(plain) == ["GR088"])
        let host = ForgeryProbe(
            url: "https://localhost/",
            transport: Self.whoami(client: "127.0.0.1", host: "forged.greenroom.invalid")
        ).run()
        #expect(Self.rules(host) == ["GR087", "GR088"])
    }

    @Test func failuresAreWarnings() {
        let refused = ScriptedTransport(
            .failure(ProbeError("curl: (7) Failed to connect to localhost port 9 after 0 ms"))
        )
        let findings = ForgeryProbe(url: "http://localhost:9/", transport: refused).run()
        #expect(Self.rules(findings) == ["GR089"])
        #expect(
            findings[0].severity == .warning
                && findings[0].message.hasSuffix("Failed to connect to localhost port 9 after 0 ms")
        )

        let redirect = ScriptedTransport(
            .success(ProbeResponse(status: 301, headers: [("Location", "https://localhost/whoami")], body: ""))
        )
        let moved = ForgeryProbe(url: "http://localhost/", transport: redirect).run()
        #expect(
            moved.map(\.message) == [
                "GET http://localhost/whoami answered HTTP 301, redirected to https://localhost/whoami: probe that URL instead"
            ]
        )

        for body in ["<html>502 Bad Gateway</html>", "{\"status\":\"ok\"}", "[1,2]", ""] {
            let other = ScriptedTransport(.success(ProbeResponse(status: 200, body: body)))
            #expect(Self.rules(ForgeryProbe(url: "http://localhost/", transport: other).run()) == ["GR089"])
        }
    }

    /// An app may answer the probe on any path with a `Greenroom-Probe` header holding the JSON.
    @Test func theProbeHeaderIsReadWhenPresent() {
        let json = #"{"client":"198.51.100.66","peer":"127.0.0.1","scheme":"https","host":"a","via":"x-forwarded-for"}"#
        let transport = ScriptedTransport(
            .success(ProbeResponse(status: 404, headers: [("greenroom-probe", json)], body: "not found"))
        )
        #expect(Self.rules(ForgeryProbe(url: "https://localhost/", transport: transport).run()) == ["GR087", "GR088"])
    }

    @Test(arguments: [
        ("https://localhost/", "https://localhost/whoami"),
        ("https://localhost", "https://localhost/whoami"),
        ("https://localhost:8443/app/", "https://localhost:8443/app/whoami"),
        ("http://[::1]:8080/app", "http://[::1]:8080/app/whoami"),
        ("https://example.com/whoami", "https://example.com/whoami"),
    ])
    func theWhoamiURLIsUnderTheGivenPath(_ url: String, _ expected: String) {
        #expect(ForgeryProbe.whoamiURL(url) == expected)
        #expect(ForgeryProbe.problem(with: url) == nil)
    }

    @Test(arguments: [
        "localhost:8443", "ftp://localhost/", "https://", "https://localhost/?x=1", "not a url", "file:///etc/passwd",
    ])
    func badURLsAreUsageErrors(_ url: String) {
        #expect(ForgeryProbe.problem(with: url)?.hasPrefix("--probe-url '\(url)'") == true)
    }
}
