import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR125: a TLS default server that rejects handshakes (`ssl_reject_handshake on`) on an
    /// address where another server speaks HTTP/2, without answering 421. A browser reuses an
    /// HTTP/2 connection made for one name for another name the certificate covers; a name no
    /// server lists then reaches this default server at the HTTP layer, handshake or not.
    func misdirectedRequestFindings(_ analysis: NginxAnalysis) -> [Finding] {
        let servers = analysis.servers.filter { $0.scope.innermost.kind == .server }
        var http2: [String: NginxDirective] = [:]
        for server in servers {
            let enabled = server.scope.nearest("http2").flatMap { $0.firstValue.lowercased() == "on" ? $0 : nil }
            for listen in server.scope.innermost.simple["listen"] ?? [] {
                guard let reason = listen.values.contains("http2") ? listen : enabled else { continue }
                let key = Self.listenKey(listen.firstValue)
                if http2[key] == nil { http2[key] = reason }
            }
        }
        var findings: [Finding] = []
        for server in servers {
            let level = server.scope.innermost
            guard let reject = server.scope.nearest("ssl_reject_handshake"), reject.firstValue.lowercased() == "on",
                let listen = (level.simple["listen"] ?? []).first(where: {
                    ($0.values.contains("default_server") || $0.values.contains("default"))
                        && http2[Self.listenKey($0.firstValue)] != nil
                }),
                !Self.answersMisdirected(level)
            else { continue }
            let inServer = level.simple["ssl_reject_handshake"]?.contains(reject) ?? false
            findings.append(
                Rule.nginxHTTP2Misdirected.finding(
                    at: inServer ? reject.location : listen.location,
                    "the default server for \(Self.listenKey(listen.firstValue)) rejects TLS handshakes but answers "
                        + "requests a browser sends over an HTTP/2 connection it opened for another name",
                    fix: "return 421; in this server (or location / { return 421; }), so the browser opens a "
                        + "connection for the right name",
                    related: [listen.location] + (http2[Self.listenKey(listen.firstValue)].map { [$0.location] } ?? [])
                )
            )
        }
        return findings
    }

    /// `true` when every request the server gets is answered 421: a `return 421` in the server
    /// itself, or in `location /`.
    private static func answersMisdirected(_ server: NginxScope.Level) -> Bool {
        func returns421(_ directives: [NginxDirective]) -> Bool {
            directives.contains { $0.name == "return" && $0.block == nil && $0.firstValue == "421" }
        }
        if returns421(server.children) { return true }
        return server.children.contains {
            $0.name == "location" && $0.values == ["/"] && returns421($0.block ?? [])
        }
    }
}
