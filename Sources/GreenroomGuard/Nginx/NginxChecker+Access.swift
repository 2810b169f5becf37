import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR042, GR043, GR108, GR112: access lists (`allow`, `deny`, `satisfy`) and what skips them.
    func accessFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var findings: [Finding] = []
        for scope in analysis.scopes {
            let level = scope.innermost
            let rules = Self.accessRules(of: level)
            if let firstAllow = rules.first(where: { $0.name == "allow" }),
                !rules.contains(where: { $0.name == "deny" })
            {
                findings.append(
                    Rule.nginxAllowWithoutDeny.finding(
                        at: firstAllow.location,
                        "allow \(firstAllow.firstValue) is not followed by a deny: every other address is allowed too",
                        fix: "add `deny all;` after the allow lines"
                    )
                )
            }
            if let open = rules.first(where: { $0.name == "allow" && Self.admitsEveryone($0.firstValue) }),
                let satisfy = scope.nearest("satisfy"), satisfy.firstValue.lowercased() == "any",
                Self.authenticates(scope)
            {
                findings.append(
                    Rule.nginxSatisfyAnyOpen.finding(
                        at: open.location,
                        "satisfy any with allow \(open.firstValue): every address passes the access check, so "
                            + "nobody has to authenticate",
                        fix: "allow only the addresses that may skip authentication, then `deny all;`",
                        related: [satisfy.location]
                    )
                )
            }
            findings += returnBeforeAccess(scope)
            if let status = level.simple["stub_status"]?.first, level.kind == .location {
                let effective = Self.accessRules(scope)
                if !effective.contains(where: { $0.name == "deny" }) {
                    findings.append(
                        Rule.nginxStatusPageOpen.finding(
                            at: status.location,
                            "\(status.name) is served to every client: no deny applies in this location",
                            fix: "allow 127.0.0.1; deny all;"
                        )
                    )
                }
            }
        }
        return findings
    }

    /// The `allow`/`deny` lines in force in `scope` (the innermost level that has any).
    static func accessRules(_ scope: NginxScope) -> [NginxDirective] {
        for level in scope.levels.reversed() {
            let rules = accessRules(of: level)
            if !rules.isEmpty { return rules }
        }
        return []
    }

    /// The `allow`/`deny` lines of one level, in order (from its index, so that a level with
    /// thousands of children costs no more than one with two).
    static func accessRules(of level: NginxScope.Level) -> [NginxDirective] {
        let allow = level.simple["allow"] ?? []
        let deny = level.simple["deny"] ?? []
        if allow.isEmpty || deny.isEmpty { return allow + deny }
        return (allow + deny).sorted { $0.location < $1.location }
    }

    /// `all`, or a block of at least a /8 of IPv4 or a /16 of IPv6.
    static func admitsEveryone(_ value: String) -> Bool {
        if value.lowercased() == "all" { return true }
        return CIDRText(value)?.breadth == .huge
    }

    /// `true` when basic or subrequest authentication applies in `scope`.
    static func authenticates(_ scope: NginxScope) -> Bool {
        if let basic = scope.nearest("auth_basic"), basic.firstValue.lowercased() != "off" { return true }
        if let request = scope.nearest("auth_request"), request.firstValue.lowercased() != "off" { return true }
        if let jwt = scope.nearest("auth_jwt"), jwt.firstValue.lowercased() != "off" { return true }
        return false
    }

    /// GR108: a `return` in a location whose access list denies someone.
    private func returnBeforeAccess(_ scope: NginxScope) -> [Finding] {
        guard scope.innermost.kind == .location, let returns = scope.innermost.simple["return"] else { return [] }
        guard let deny = Self.accessRules(scope).first(where: { $0.name == "deny" }) else { return [] }
        return returns.filter { !["403", "404", "444"].contains($0.firstValue) }.map { directive in
            Rule.nginxReturnBypassesAccess.finding(
                at: directive.location,
                "return runs in the rewrite phase, before allow/deny: the addresses denied at "
                    + "\(deny.location.reference(from: directive.location)) get this answer too",
                fix: "answer from a location the access list protects (try_files, proxy_pass), or put the return "
                    + "in an `if` that checks the address yourself",
                related: [deny.location]
            )
        }
    }
}
