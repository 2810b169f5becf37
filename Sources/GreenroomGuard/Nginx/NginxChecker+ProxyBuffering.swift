import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR122: `proxy_buffering off` in force for a `proxy_pass` from the http or server level, or
    /// from `location /`, so that it covers the whole site rather than the locations that stream.
    func proxyBufferingFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var reported = Set<SourceLocation>()
        var findings: [Finding] = []
        for site in analysis.sites where !site.isStream {
            guard let (directive, level) = Self.bufferingInForce(site.scope),
                directive.firstValue.lowercased() == "off", Self.coversTheSite(level),
                reported.insert(directive.location).inserted
            else { continue }
            let place = level.kind == .location ? "location /" : "the \(level.kind == .http ? "http" : "server") block"
            findings.append(
                Rule.nginxProxyBufferingOff.finding(
                    at: directive.location,
                    "proxy_buffering off in \(place) makes every proxied response wait for the client: "
                        + "a slow reader keeps an app connection open until it has read the whole response",
                    fix: "delete it (buffering is on by default) and write proxy_buffering off; only in the "
                        + "location that streams, or have the app send X-Accel-Buffering: no on those responses",
                    related: [site.directive.location]
                )
            )
        }
        return findings
    }

    /// The `proxy_buffering` in force in `scope` and the level that sets it.
    private static func bufferingInForce(_ scope: NginxScope) -> (NginxDirective, NginxScope.Level)? {
        for level in scope.levels.reversed() {
            if let found = level.simple["proxy_buffering"]?.last { return (found, level) }
        }
        return nil
    }

    /// `true` for the http and server levels and a plain `location /`, which reach every request.
    private static func coversTheSite(_ level: NginxScope.Level) -> Bool {
        switch level.kind {
        case .http, .server: return true
        case .location: return level.directive?.values == ["/"]
        default: return false
        }
    }
}
