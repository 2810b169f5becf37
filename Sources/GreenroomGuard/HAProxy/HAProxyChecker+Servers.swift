import GreenroomConfigParsing
import GreenroomCore

extension HAProxyChecker {
    /// GR132, GR134, GR135: where the servers connect and whether they send the PROXY protocol.
    func serverFindings(_ analysis: HAProxyAnalysis) -> [Finding] {
        var findings: [Finding] = []
        let backends = analysis.proxies.filter(\.hasServers)
        for backend in backends {
            for server in backend.servers {
                if case .wildcard(let text) = server.address {
                    findings.append(
                        Rule.haproxyWildcardServer.finding(
                            at: server.line.location(ofWord: 2),
                            "server \(server.line.words[1]) connects to \(text), a wildcard: it reaches an app only "
                                + "when the app listens on every interface, around HAProxy",
                            fix: app?.binds.first.map { "server \(server.line.words[1]) \(Self.serverText($0))" }
                                ?? "name the loopback (or private) address the app listens on"
                        )
                    )
                }
                guard let app, case .endpoint(let address) = server.address, case .reaches = app.match(address) else {
                    continue
                }
                if server.sendsProxyProtocol, app.proxyProtocol == .off {
                    findings.append(
                        Rule.haproxyProxyProtocolMismatch.finding(
                            at: server.line.location,
                            "server \(server.line.words[1]) sends a PROXY header the app does not expect "
                                + "(app.proxy_protocol: off): every request fails",
                            fix: "remove send-proxy from the server line, or set app.proxy_protocol to the version sent"
                        )
                    )
                } else if !server.sendsProxyProtocol, app.proxyProtocol == .required {
                    findings.append(
                        Rule.haproxyProxyProtocolMismatch.finding(
                            at: server.line.location,
                            "the app requires the PROXY protocol, but server \(server.line.words[1]) sends none: "
                                + "the app refuses every connection",
                            fix: "add send-proxy-v2 to the server line (or default-server)"
                        )
                    )
                }
            }
        }
        guard let app else { return findings }
        // GR135: the servers the frontends route to (every backend when nothing routes).
        let routed = analysis.routes.map(\.backend)
        let judged = routed.isEmpty ? backends : routed
        var servers: [HAProxyAnalysis.Server] = []
        var seen = Set<SourceLocation>()
        for backend in judged {
            for server in backend.servers where seen.insert(server.line.location).inserted {
                servers.append(server)
            }
        }
        guard let first = servers.first else { return findings }
        var anyReaches = false
        var anyUnknown = false
        for server in servers {
            guard case .endpoint(let address) = server.address else {
                anyUnknown = true
                continue
            }
            switch app.match(address) {
            case .reaches: anyReaches = true
            case .unknown: anyUnknown = true
            case .misses: break
            }
        }
        if !anyReaches, !anyUnknown {
            let binds = app.binds.map(\.description).joined(separator: ", ")
            findings.append(
                Rule.haproxyTargetMismatch.finding(
                    at: first.line.location(ofWord: 2),
                    "no server reaches the app: they connect to "
                        + servers.map { $0.line.words[2] }.joined(separator: ", ") + ", the app listens on \(binds)",
                    fix: app.binds.first.map { "server \(first.line.words[1]) \(Self.serverText($0))" } ?? "",
                    related: servers.dropFirst().map(\.line.location)
                )
            )
        }
        return findings
    }

    /// A bind as a `server` address: `127.0.0.1:8000`, `[::1]:8000`, `unix@/run/app.sock`.
    static func serverText(_ bind: BindTarget) -> String {
        switch bind {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix@\(path)"
        }
    }
}
