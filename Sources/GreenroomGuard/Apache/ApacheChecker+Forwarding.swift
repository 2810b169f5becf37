import GreenroomConfigParsing
import GreenroomCore

extension ApacheChecker {
    typealias Header = AppExpectation.ForwardedHeader

    /// What the app receives in a forwarding header after mod_headers and mod_proxy_http.
    enum HeaderState: Sendable, Hashable {
        /// The client's value, untouched (or edited, or appended to).
        case client
        /// The client's value with httpd's appended (mod_proxy's X-Forwarded-For/-Host).
        case clientAppended
        /// Removed.
        case cleared
        /// Set by httpd to a value of its own.
        case set(String)
    }

    /// GR052, GR053, GR060, GR063.
    func forwardingFindings(_ analysis: ApacheAnalysis) -> [Finding] {
        var findings: [Finding] = []
        var seen = Set<SourceLocation>()
        for site in appSites(analysis)
        where site.url.lowercased().hasPrefix("http") || site.url.lowercased().hasPrefix("unix:")
            || site.balancer != nil
        {
            let addsHeaders = site.scope.nearest("proxyaddheaders")?.arguments.first?.value.lowercased() != "off"
            let edge = Self.isEdge(site.scope)
            if let app, app.readsForwardedHeaders, edge {
                var offending: [Header] = []
                for header in app.forwardedHeaders.sorted() where header != .xForwardedFor {
                    switch Self.state(of: header, scope: site.scope, proxyAdds: addsHeaders) {
                    case .client, .clientAppended: offending.append(header)
                    case .cleared, .set: break
                    }
                }
                if app.forwardedHeaders.contains(.xForwardedFor),
                    Self.state(of: .xForwardedFor, scope: site.scope, proxyAdds: addsHeaders) == .client
                {
                    offending.insert(.xForwardedFor, at: 0)
                }
                if !offending.isEmpty {
                    findings.append(
                        Rule.apacheClientForwardingHeader.finding(
                            at: site.directive.location,
                            offending.map(\.rawValue).joined(separator: ", ")
                                + " reach the app with the client's own value; the app trusts httpd, so the client chooses them",
                            fix: offending.map { Self.safeLine($0, tls: Self.terminatesTLS(site.scope)) }.joined(
                                separator: " "
                            )
                        )
                    )
                }
            }
            if edge, app.map({ $0.forwardedHeaders.contains(.xForwardedFor) && !$0.trust.isEmpty }) ?? true,
                Self.state(of: .xForwardedFor, scope: site.scope, proxyAdds: addsHeaders) == .clientAppended
            {
                findings.append(appended(site))
            }
            if let off = site.scope.nearest("proxyaddheaders"), !addsHeaders, let app,
                app.readsForwardedHeaders, app.forwardedHeaders.contains(.xForwardedFor),
                seen.insert(off.location).inserted
            {
                findings.append(
                    Rule.apacheAddHeadersOff.finding(
                        at: off.location,
                        "ProxyAddHeaders Off: httpd sends no X-Forwarded-For, so the app sees httpd as every client",
                        fix: "ProxyAddHeaders On"
                    )
                )
            }
            let preserve = site.scope.nearest("proxypreservehost")
            if preserve?.arguments.first?.value.lowercased() != "on" {
                findings.append(
                    Rule.apachePreserveHost.finding(
                        at: preserve?.location ?? site.directive.location,
                        "ProxyPreserveHost is \(preserve == nil ? "not set (Off)" : "Off"): the app receives the backend's "
                            + "name as Host instead of the one the client asked for",
                        fix: "ProxyPreserveHost On"
                    )
                )
            }
        }
        return findings
    }

    private func appended(_ site: ApacheAnalysis.Site) -> Finding {
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
        return Rule.apacheAppendedForwardedFor.finding(
            at: site.directive.location,
            "mod_proxy appends to the X-Forwarded-For the client sent; \(detail)",
            fix: "RequestHeader unset X-Forwarded-For",
            severity: severity
        )
    }

    /// httpd is the edge unless mod_remoteip believes a header from listed, reasonable proxies.
    static func isEdge(_ scope: ApacheAnalysis.Scope) -> Bool {
        guard scope.nearest("remoteipheader") != nil else { return true }
        let trusted = scope.serverList("remoteiptrustedproxy") + scope.serverList("remoteipinternalproxy")
        let lists = scope.serverList("remoteiptrustedproxylist") + scope.serverList("remoteipinternalproxylist")
        if trusted.isEmpty && lists.isEmpty { return true }
        return !trusted.flatMap(\.values).contains { CIDRText($0)?.breadth == .huge }
    }

    /// `true` when the virtual host around `scope` terminates TLS.
    static func terminatesTLS(_ scope: ApacheAnalysis.Scope) -> Bool {
        if let engine = scope.nearest("sslengine"), engine.arguments.first?.value.lowercased() == "on" { return true }
        return scope.virtualHost?.values.contains { $0.hasSuffix(":443") } ?? false
    }

    /// The header's fate: RequestHeader actions in order (main server, virtual host, sections),
    /// then mod_proxy_http's additions.
    static func state(of header: Header, scope: ApacheAnalysis.Scope, proxyAdds: Bool) -> HeaderState {
        var state = HeaderState.client
        for directive in scope.all("requestheader") {
            var values = directive.values
            if values.first?.lowercased() == "early" { values.removeFirst() }
            guard values.count >= 2, values[1].lowercased() == header.lowercased else { continue }
            let value = values.count >= 3 ? values[2] : ""
            switch values[0].lowercased() {
            case "set":
                state = referencesClientHeader(value) ? .client : .set(value)
            case "unset":
                state = .cleared
            case "setifempty", "add", "append", "merge", "edit", "edit*":
                break
            default:
                break
            }
        }
        let appended: Set<Header> = [.xForwardedFor, .xForwardedHost]
        if proxyAdds && appended.contains(header) {
            switch state {
            case .client: return .clientAppended
            case .cleared: return .set("httpd's own")
            case .set, .clientAppended: return state
            }
        }
        return state
    }

    /// `true` when a `RequestHeader set` value copies a request header other than `Host` (which
    /// httpd validates, and which the app receives anyway with ProxyPreserveHost): `%{HTTP_X}`,
    /// `%{HTTP:X}`, `%{X}i`, `req('X')`, `http('X')`. Such a value is whatever the client wrote.
    static func referencesClientHeader(_ value: String) -> Bool {
        let text = Array(value.lowercased().utf8)
        func name(from start: Int, until end: UInt8) -> String? {
            guard let stop = text[start...].firstIndex(of: end) else { return nil }
            return String(decoding: text[start..<stop], as: UTF8.self)
        }
        func isHost(_ header: String) -> Bool { header == "host" }
        var index = 0
        while index < text.count {
            let rest = text[index...]
            if rest.starts(with: Array("%{http_".utf8)) || rest.starts(with: Array("%{http:".utf8)) {
                if let header = name(from: index + 7, until: UInt8(ascii: "}")), !isHost(header.replacingUnderscores) {
                    return true
                }
            } else if rest.starts(with: Array("%{".utf8)), let header = name(from: index + 2, until: UInt8(ascii: "}")),
                index + 2 + header.utf8.count + 1 < text.count,
                text[index + 2 + header.utf8.count + 1] == UInt8(ascii: "i"),
                !isHost(header)
            {
                return true
            } else {
                for function in ["req(", "http(", "req_novary("] where rest.starts(with: Array(function.utf8)) {
                    let open = index + function.utf8.count
                    guard open < text.count, text[open] == UInt8(ascii: "'") || text[open] == UInt8(ascii: "\"") else {
                        continue
                    }
                    if let header = name(from: open + 1, until: text[open]), !isHost(header) { return true }
                }
            }
            index += 1
        }
        return false
    }

    static func safeLine(_ header: Header, tls: Bool) -> String {
        switch header {
        case .xForwardedFor: "ProxyAddHeaders On"
        case .xForwardedProto: "RequestHeader set X-Forwarded-Proto \"\(tls ? "https" : "http")\""
        case .xForwardedPort: "RequestHeader set X-Forwarded-Port \"\(tls ? "443" : "80")\""
        case .xForwardedHost: "RequestHeader unset X-Forwarded-Host"
        case .xForwardedPrefix: "RequestHeader unset X-Forwarded-Prefix"
        case .forwarded: "RequestHeader unset Forwarded"
        }
    }
}

extension String {
    /// `x_forwarded_for` → `x-forwarded-for` (CGI-style variable names to header names).
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}
