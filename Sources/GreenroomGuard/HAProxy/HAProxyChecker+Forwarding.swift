import GreenroomConfigParsing
import GreenroomCore

extension HAProxyChecker {
    /// What the app receives in one request header after HAProxy's `http-request` rules.
    enum HeaderState: Sendable, Hashable {
        /// The client's value, untouched.
        case client
        /// The client's value with HAProxy's added (`add-header`, `option forwardfor`).
        case clientAdded
        /// Removed, and nothing set.
        case cleared
        /// Set by HAProxy.
        case set
    }

    /// GR130, GR131, GR136: the forwarding headers on each route to the app.
    func forwardingFindings(_ analysis: HAProxyAnalysis) -> [Finding] {
        var findings: [Finding] = []
        for route in appRoutes(analysis) where route.frontend.isHTTP {
            let servers = route.backend.servers
            // With the PROXY protocol the app's peer is the client itself: it believes no header
            // (and an app that requires it and gets none refuses the connection: GR132).
            if let app,
                app.proxyProtocol == .required
                    || app.proxyProtocol != .off && servers.contains(where: \.sendsProxyProtocol)
            {
                continue
            }
            // HAProxy runs the frontend's rules (its defaults' first), then, in another section,
            // the backend's: the rules of the defaults the backend inherits (even the frontend's
            // defaults again), then its own.
            var rules = route.frontend.httpRequestRules
            if route.backend.section != route.frontend.section {
                rules += route.backend.httpRequestRules
            }
            // HAProxy adds the header when either side enables it; the backend's settings win.
            let backendForwardFor = route.backend.option("forwardfor")
            let forwardFor =
                backendForwardFor?.enabled == true ? backendForwardFor : route.frontend.option("forwardfor")
            let edge = !route.frontend.acceptsProxyProtocol && (app?.outerProxies.isEmpty ?? true)

            var xff = Self.state(of: "x-forwarded-for", after: rules)
            var ifNone = false
            if let forwardFor, forwardFor.enabled {
                ifNone = forwardFor.line.words.contains { $0.lowercased() == "if-none" }
                switch xff {
                case .client: xff = ifNone ? .client : .clientAdded
                case .cleared: xff = .set
                case .clientAdded, .set: break
                }
            }
            var forwarded = Self.state(of: "forwarded", after: rules)
            if let option = route.frontend.option("forwarded") ?? route.backend.option("forwarded"), option.enabled {
                forwarded = forwarded == .client ? .clientAdded : forwarded == .cleared ? .set : forwarded
            }

            if edge, xff == .client, ifNone, let forwardFor {
                findings.append(
                    Rule.haproxyClientForwardingHeader.finding(
                        at: forwardFor.line.location,
                        "`option forwardfor if-none` adds nothing when the client sends X-Forwarded-For, so the app "
                            + "gets the client's own value",
                        fix: "http-request del-header X-Forwarded-For, then option forwardfor (without if-none)"
                    )
                )
            }
            if edge, xff == .clientAdded, let forwardFor {
                let hops = app?.hops ?? 1
                findings.append(
                    Rule.haproxyAppendedForwardedFor.finding(
                        at: forwardFor.line.location,
                        "option forwardfor adds the client's address to the X-Forwarded-For lines the client sent"
                            + (hops >= 2 ? "; the app counts \(hops) hops, so it takes one the client wrote" : ""),
                        fix:
                            "http-request del-header X-Forwarded-For (in \(route.frontend.kind) \(route.frontend.name)) before it",
                        severity: hops >= 2 ? .error : nil
                    )
                )
            }
            guard let app, app.readsForwardedHeaders else { continue }
            var offending: [String] = []
            if edge, xff == .client, !ifNone, app.forwardedHeaders.contains(.xForwardedFor) {
                offending.append("X-Forwarded-For")
            }
            if edge, forwarded == .client || forwarded == .clientAdded, app.forwardedHeaders.contains(.forwarded) {
                offending.append("Forwarded")
            }
            for header in app.forwardedHeaders.sorted() where header != .xForwardedFor && header != .forwarded {
                let state = Self.state(of: header.lowercased, after: rules)
                if state == .client || state == .clientAdded { offending.append(header.rawValue) }
            }
            if !offending.isEmpty {
                findings.append(
                    Rule.haproxyClientForwardingHeader.finding(
                        at: route.frontend.header.location,
                        offending.joined(separator: ", ") + " reach the app with the client's own value on the way to "
                            + "backend \(route.backend.name); the app trusts HAProxy, so the client chooses them",
                        fix: offending.map { "http-request del-header \($0)" }.joined(separator: "; ")
                            + (offending.contains("X-Forwarded-For") ? "; option forwardfor" : ""),
                        related: [route.line.location]
                    )
                )
            }
            let addressSent = xff == .set || xff == .clientAdded || forwarded == .set || forwarded == .clientAdded
            if !addressSent, xff == .cleared,
                app.forwardedHeaders.contains(.xForwardedFor) || app.forwardedHeaders.contains(.forwarded)
            {
                findings.append(
                    Rule.haproxyClientAddressMissing.finding(
                        at: route.frontend.header.location,
                        "nothing on the way to backend \(route.backend.name) sets X-Forwarded-For or Forwarded and no "
                            + "PROXY header is sent: the app sees HAProxy as every client",
                        fix: "option forwardfor (after http-request del-header X-Forwarded-For)",
                        related: [route.line.location]
                    )
                )
            }
        }
        return findings
    }

    /// The state of `header` (lower case) after `rules`, starting from the client's value.
    /// Conditional removals do not count; a conditional set after a removal does.
    static func state(of header: String, after rules: [HAProxyLine]) -> HeaderState {
        var state = HeaderState.client
        for rule in rules where rule.words.count >= 3 {
            let action = rule.words[1].lowercased()
            let conditional = HAProxyAnalysis.isConditional(rule)
            switch action {
            case "del-header":
                var method = "str"
                if let flag = rule.words.firstIndex(of: "-m"), rule.words.indices.contains(flag + 1) {
                    method = rule.words[flag + 1].lowercased()
                }
                if !conditional, matches(header, pattern: rule.words[2], method: method) { state = .cleared }
            case "set-header":
                guard rule.words[2].lowercased() == header else { continue }
                if !conditional || state == .cleared { state = .set }
            case "add-header":
                guard rule.words[2].lowercased() == header else { continue }
                state = state == .client ? .clientAdded : .set
            default:
                continue
            }
        }
        return state
    }

    /// `del-header NAME -m METHOD`: whether the header `name` (lower case) is removed.
    static func matches(_ name: String, pattern: String, method: String) -> Bool {
        let pattern = pattern.lowercased()
        switch method {
        case "beg": return name.hasPrefix(pattern)
        case "end": return name.hasSuffix(pattern)
        case "sub": return name.contains(pattern)
        case "reg":
            guard let regex = try? Regex(pattern).ignoresCase() else { return false }
            return name.contains(regex)
        default: return name == pattern
        }
    }
}
