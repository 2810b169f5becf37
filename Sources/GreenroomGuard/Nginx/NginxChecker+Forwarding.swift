import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    typealias Header = AppExpectation.ForwardedHeader

    /// GR022, GR023, GR024, GR025: the forwarding headers each proxy_pass sends.
    func forwardingFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var findings: [Finding] = []
        let reader = reader(analysis)
        for site in appSites(analysis) where !site.isStream {
            let edge = Self.isEdge(site.scope)
            if edge { findings += builtFromClient(site, analysis: analysis) }
            if edge, let reader, reader.readsForwardedHeaders {
                findings += clientHeaders(site, app: reader)
            }
            if edge { findings += appendedForwardedFor(site) }
            if let app { findings += missingForwarding(site, analysis: analysis, app: app) }
        }
        var seen = Set<SourceLocation>()
        for block in analysis.scopes {
            for directive in block.innermost.simple["proxy_set_header"] ?? [] {
                guard directive.firstValue.equalsIgnoringASCIICase("host"), directive.arguments.count >= 2,
                    NginxVariables.names(in: directive.arguments[1].value).contains("http_host"),
                    seen.insert(directive.location).inserted
                else { continue }
                findings.append(
                    Rule.nginxHostFromClient.finding(
                        at: directive.location,
                        "Host is forwarded from $http_host, the client's raw Host header",
                        fix: "proxy_set_header Host $host;"
                    )
                )
            }
        }
        return findings
    }

    /// nginx is the edge (clients connect to it directly) unless realip believes an HTTP header
    /// from listed outer proxies (and not from everyone: then every client is an "outer proxy").
    static func isEdge(_ scope: NginxScope) -> Bool {
        let from = scope.effective("set_real_ip_from").directives
        guard !from.isEmpty else { return true }
        if from.contains(where: { CIDRText($0.firstValue)?.breadth == .huge }) { return true }
        let header = scope.nearest("real_ip_header")?.firstValue.lowercased() ?? "x-real-ip"
        return header == "proxy_protocol"
    }

    /// The value `proxy_set_header` gives `header` here; `nil` when the client's header passes.
    static func value(of header: Header, in scope: NginxScope) -> String? {
        guard let directive = scope.proxyHeader(header.rawValue) else { return nil }
        return directive.arguments.count >= 2 ? directive.arguments[1].value : ""
    }

    /// The line that sets `header` safely.
    static func safeLine(_ header: Header) -> String {
        switch header {
        case .xForwardedFor: "proxy_set_header X-Forwarded-For $remote_addr;"
        case .xForwardedProto: "proxy_set_header X-Forwarded-Proto $scheme;"
        case .xForwardedHost: "proxy_set_header X-Forwarded-Host $host;"
        case .xForwardedPort: "proxy_set_header X-Forwarded-Port $server_port;"
        case .xForwardedPrefix: "proxy_set_header X-Forwarded-Prefix \"\";"
        case .forwarded: "proxy_set_header Forwarded \"\";"
        }
    }

    /// GR022: forwarding headers the app reads that nginx sets from data the client controls
    /// (directly, or through `map`, `set` and `if`), reported at the `proxy_set_header` line.
    private func builtFromClient(_ site: NginxAnalysis.ProxySite, analysis: NginxAnalysis) -> [Finding] {
        let headers: [Header]
        if let app {
            headers = app.readsForwardedHeaders ? app.forwardedHeaders.sorted() : []
        } else {
            headers = Header.allCases
        }
        var findings: [Finding] = []
        for header in headers {
            guard let directive = site.scope.proxyHeader(header.rawValue), directive.arguments.count >= 2 else {
                continue
            }
            let value = directive.arguments[1].value
            var variables = analysis.taint.clientVariables(
                in: value,
                choice: true,
                bareHostIsSafe: header == .xForwardedHost
            )
            if header != .xForwardedFor && NginxVariables.names(in: value).contains("proxy_add_x_forwarded_for") {
                variables.append("$proxy_add_x_forwarded_for")
            }
            guard !variables.isEmpty else { continue }
            let derived = variables.contains {
                !NginxTaint.isBuiltinClientControlled(String($0.dropFirst()).lowercased())
            }
            findings.append(
                Rule.nginxClientForwardingHeader.finding(
                    at: directive.location,
                    "\(header.rawValue) is built from \(variables.joined(separator: ", ")), which the client "
                        + (derived ? "sets or chooses (through map, set or if)" : "sets")
                        + "; the app trusts nginx, so the client chooses this value",
                    fix: Self.safeLine(header),
                    related: [site.directive.location]
                )
            )
        }
        return findings
    }

    /// GR022: forwarding headers the app reads that nginx does not set, so the client's pass.
    private func clientHeaders(_ site: NginxAnalysis.ProxySite, app: AppExpectation) -> [Finding] {
        if site.scope.nearest("proxy_pass_request_headers")?.firstValue == "off" { return [] }
        let passed = app.forwardedHeaders.sorted().filter { Self.value(of: $0, in: site.scope) == nil }
        guard !passed.isEmpty else { return [] }
        var reason = ""
        var related: [SourceLocation] = []
        let (current, level) = site.scope.effective("proxy_set_header")
        if let level, let first = current.first {
            let outerNames = Set(
                site.scope.levels[..<level].flatMap { outer in
                    (outer.simple["proxy_set_header"] ?? []).map { $0.firstValue.lowercased() }
                }
            )
            let droppedHere = passed.filter { outerNames.contains($0.lowercased) }
            if !droppedHere.isEmpty {
                reason =
                    " (the proxy_set_header list at \(first.location.reference(from: site.directive.location)) replaces the outer one, dropping "
                    + droppedHere.map(\.rawValue).joined(separator: ", ") + ")"
                related.append(first.location)
            }
        }
        return [
            Rule.nginxClientForwardingHeader.finding(
                at: site.directive.location,
                passed.map(\.rawValue).joined(separator: ", ")
                    + " not set, so the client's value passes; the app trusts nginx, so the client chooses these values"
                    + reason,
                fix: passed.map(Self.safeLine).joined(separator: " "),
                related: related
            )
        ]
    }

    /// GR023.
    private func appendedForwardedFor(_ site: NginxAnalysis.ProxySite) -> [Finding] {
        if let app, !app.forwardedHeaders.contains(.xForwardedFor) || app.trust.isEmpty { return [] }
        guard let directive = site.scope.proxyHeader("X-Forwarded-For"), directive.arguments.count >= 2,
            NginxVariables.names(in: directive.arguments[1].value).contains("proxy_add_x_forwarded_for")
        else { return [] }
        var severity: Severity? = nil
        var detail = "anything reading the leftmost entry or counting hops is fooled"
        if let app {
            if let hops = app.hops, hops >= 2 {
                severity = .error
                detail = "the app counts \(hops) hops from the right, so it takes the address the client wrote"
            } else if app.hops == nil && !app.trustsBeyondThisHost {
                severity = .info
                detail =
                    "the app walks from the right and trusts only this host, so it is safe, but logs and other consumers are not"
            }
        }
        return [
            Rule.nginxAppendedForwardedFor.finding(
                at: directive.location,
                "X-Forwarded-For keeps the client's own header and appends the real address; \(detail)",
                fix: "proxy_set_header X-Forwarded-For $remote_addr;",
                severity: severity
            )
        ]
    }

    /// GR024.
    private func missingForwarding(
        _ site: NginxAnalysis.ProxySite,
        analysis: NginxAnalysis,
        app: AppExpectation
    )
        -> [Finding]
    {
        let reads = app.readsForwardedHeaders ? app.forwardedHeaders : []
        var missing: [String] = []
        var fixes: [String] = []
        let xff = reads.contains(.xForwardedFor) ? Self.value(of: .xForwardedFor, in: site.scope) : nil
        let forwarded = reads.contains(.forwarded) ? Self.value(of: .forwarded, in: site.scope) : nil
        let addressVariables: Set<String> = [
            "remote_addr", "proxy_add_x_forwarded_for", "proxy_protocol_addr", "realip_remote_addr",
        ]
        func carriesAddress(_ value: String?) -> Bool {
            guard let value else { return false }
            return NginxVariables.names(in: value).contains {
                addressVariables.contains($0) || $0.hasPrefix("proxy_add_")
            }
        }
        let xffPassesThrough = reads.contains(.xForwardedFor) && xff == nil
        if (reads.contains(.xForwardedFor) || reads.contains(.forwarded)) && !xffPassesThrough
            && !carriesAddress(xff) && !carriesAddress(forwarded)
        {
            missing.append("the client address (no X-Forwarded-For or Forwarded with $remote_addr)")
            fixes.append("proxy_set_header X-Forwarded-For $remote_addr;")
        }
        if reads.contains(.xForwardedProto), analysis.server(around: site.scope)?.terminatesTLS == true,
            let proto = Self.value(of: .xForwardedProto, in: site.scope),
            !(proto == "https" || NginxVariables.names(in: proto).contains("scheme"))
        {
            missing.append("the scheme (X-Forwarded-Proto is '\(proto)' behind TLS)")
            fixes.append("proxy_set_header X-Forwarded-Proto $scheme;")
        }
        let host = site.scope.proxyHeader("Host").map { $0.arguments.count >= 2 ? $0.arguments[1].value : "" }
        let hostForwarded = host.map { !$0.isEmpty && !NginxVariables.names(in: $0).contains("proxy_host") } ?? false
        let xfh = reads.contains(.xForwardedHost) ? Self.value(of: .xForwardedHost, in: site.scope) : nil
        let xfhForwarded =
            xfh.map { NginxVariables.names(in: $0).contains { $0 == "host" || $0 == "server_name" } } ?? false
        if !hostForwarded && !xfhForwarded {
            missing.append("the host (Host is $proxy_host, the upstream's name)")
            fixes.append("proxy_set_header Host $host;")
        }
        guard !missing.isEmpty else { return [] }
        return [
            Rule.nginxForwardingMissing.finding(
                at: site.directive.location,
                "the app is not told " + missing.joined(separator: ", "),
                fix: fixes.joined(separator: " ")
            )
        ]
    }
}
