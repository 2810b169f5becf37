import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR117, GR118, GR120, GR121: what a TLS server promises browsers, how it staples, and how
    /// it routes QUIC.
    func tlsFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var findings: [Finding] = []
        for server in analysis.servers where server.terminatesTLS && server.scope.innermost.kind == .server {
            let scope = server.scope
            let listen = (scope.innermost.simple["listen"] ?? []).first {
                $0.values.dropFirst().contains { $0 == "ssl" || $0 == "quic" }
            }
            guard let place = listen ?? scope.innermost.directive else { continue }
            let hsts = Self.hsts(in: scope.effective("add_header").directives)
            if let hsts {
                let value = hsts.arguments.count >= 2 ? hsts.values[1].lowercased() : ""
                if let age = Self.maxAge(value), age < 15_768_000 {
                    findings.append(
                        Rule.nginxMissingHSTS.finding(
                            at: hsts.location,
                            "Strict-Transport-Security max-age=\(age) is under six months",
                            fix: "add_header Strict-Transport-Security \"max-age=63072000\" always;"
                        )
                    )
                }
            } else if !setsHSTSInALocation(analysis, scope) {
                findings.append(
                    Rule.nginxMissingHSTS.finding(
                        at: place.location,
                        "this TLS server sends no Strict-Transport-Security header",
                        fix: "add_header Strict-Transport-Security \"max-age=63072000\" always;"
                    )
                )
            }
            if let stapling = scope.nearest("ssl_stapling"), stapling.firstValue.lowercased() == "on" {
                if scope.nearest("resolver") == nil {
                    findings.append(
                        Rule.nginxStaplingWithoutResolver.finding(
                            at: stapling.location,
                            "ssl_stapling on, but no resolver applies: nginx cannot reach the OCSP responder",
                            fix: "resolver 127.0.0.53; (or ssl_stapling off;)"
                        )
                    )
                }
                if let certificate = scope.nearest("ssl_certificate"),
                    certificate.firstValue.contains("/letsencrypt/")
                {
                    findings.append(
                        Rule.nginxStaplingUnavailable.finding(
                            at: stapling.location,
                            "ssl_stapling on with a Let's Encrypt certificate (\(certificate.firstValue)), "
                                + "which has no OCSP responder any more",
                            fix: "ssl_stapling off;",
                            related: [certificate.location]
                        )
                    )
                }
            }
        }
        findings += quicReuseportFindings(analysis)
        return findings
    }

    /// The `max-age` of a Strict-Transport-Security value.
    static func maxAge(_ value: String) -> Int? {
        guard let range = value.firstRange(of: "max-age=") else { return nil }
        return Int(value[range.upperBound...].prefix { $0.isNumber })
    }

    /// The Strict-Transport-Security header among `add_header` directives.
    static func hsts(in directives: [NginxDirective]) -> NginxDirective? {
        directives.last { $0.firstValue.lowercased() == "strict-transport-security" }
    }

    /// `true` when a location of the server sets Strict-Transport-Security itself: browsers
    /// remember it from any response.
    private func setsHSTSInALocation(_ analysis: NginxAnalysis, _ server: NginxScope) -> Bool {
        analysis.locations(in: server).contains {
            Self.hsts(in: $0.innermost.simple["add_header"] ?? []) != nil
        }
    }

    /// GR121: `quic_bpf on` with an address whose QUIC listens all lack `reuseport`. nginx allows
    /// `reuseport` once per address, so one listen carrying it covers every server on it.
    private func quicReuseportFindings(_ analysis: NginxAnalysis) -> [Finding] {
        let bpf = analysis.config.directives.last { $0.name == "quic_bpf" && $0.block == nil }
        guard let bpf, bpf.firstValue.lowercased() == "on" else { return [] }
        var byAddress: [String: [NginxDirective]] = [:]
        var order: [String] = []
        for server in analysis.servers {
            for listen in server.scope.innermost.simple["listen"] ?? [] where listen.values.contains("quic") {
                if byAddress[listen.firstValue] == nil { order.append(listen.firstValue) }
                byAddress[listen.firstValue, default: []].append(listen)
            }
        }
        return order.compactMap { address in
            let listens = byAddress[address] ?? []
            guard let first = listens.first, !listens.contains(where: { $0.values.contains("reuseport") }) else {
                return nil
            }
            return Rule.nginxQuicWithoutReuseport.finding(
                at: first.location,
                "quic_bpf is on, but no QUIC listen on \(address) has reuseport",
                fix: "listen \(first.values.joined(separator: " ")) reuseport;",
                related: [bpf.location] + listens.dropFirst().map(\.location)
            )
        }
    }
}
