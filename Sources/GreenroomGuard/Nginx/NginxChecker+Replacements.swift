import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// The rules whose fix is the whole directive to write instead of the one they point at,
    /// keeping everything that directive said that still holds. Others may have a fix that reads
    /// as one directive but would lose something: GR117's `max-age=63072000` would drop
    /// `includeSubDomains; preload`, GR020's `proxy_pass` the URI part and an upstream server's
    /// `backup` or `weight`, GR041's list its quotes; they stay prose.
    static let rulesWithExactEdits: Set<RuleID> = [
        .nginxClientForwardingHeader,  // GR022: the header from what nginx knows ($remote_addr, $scheme)
        .nginxAppendedForwardedFor,  // GR023: X-Forwarded-For $remote_addr
        .nginxHostFromClient,  // GR025: Host $host
        .nginxVersionDisclosure,  // GR049: server_tokens off
        .nginxWorkerFileLimit,  // GR103: worker_rlimit_nofile 2 × worker_connections
        .nginxLowKeepaliveRequests,  // GR104: keepalive_requests 1000
        .nginxWeakTLS,  // GR113: ssl_protocols TLSv1.2 TLSv1.3
        .nginxStaplingUnavailable,  // GR120: ssl_stapling off
        .nginxQuicWithoutReuseport,  // GR121: the same listen with reuseport
    ]

    /// Attaches an exact edit (``Finding/Replacement``) to every finding whose fix is one simple
    /// directive with the name of the directive the finding points at: `server_tokens off;` at
    /// `server_tokens on;`, `proxy_set_header X-Forwarded-For $remote_addr;` at the line that
    /// appended the client's header. Anything else (a fix that adds a line next to another
    /// directive, prose, several directives, a placeholder such as `<value>`) keeps prose only.
    ///
    /// Offered only for a directive on one line that is ASCII up to its `;` (the parser records no
    /// ``NginxDirective/end`` otherwise), so byte columns are the columns every editor counts.
    static func attachingReplacements(_ findings: [Finding], config: NginxConfig) -> [Finding] {
        // A 10 MB configuration can have a hundred thousand findings sharing a few fix texts:
        // each text is parsed once, and only the directives a parsed fix could replace (its name,
        // at a finding's place) are looked up in the walk.
        var parsedFixes: [String: NginxDirective] = [:]
        var unparsable: Set<String> = []
        var wanted: Set<SourceLocation> = []
        wanted.reserveCapacity(findings.count)
        var names: Set<String> = []
        for finding in findings {
            guard Self.rulesWithExactEdits.contains(finding.rule), let location = finding.location,
                !unparsable.contains(finding.fix)
            else { continue }
            let parsed: NginxDirective
            if let known = parsedFixes[finding.fix] {
                parsed = known
            } else if let fresh = directiveOfFix(finding.fix) {
                parsed = fresh
                parsedFixes[finding.fix] = fresh
            } else {
                unparsable.insert(finding.fix)
                continue
            }
            wanted.insert(location)
            names.insert(parsed.name)
        }
        guard !wanted.isEmpty else { return findings }
        var byPlace: [SourceLocation: NginxDirective] = [:]
        byPlace.reserveCapacity(wanted.count)
        config.forEachDirective { directive, _ in
            if directive.end != nil, names.contains(directive.name), wanted.contains(directive.location) {
                byPlace[directive.location] = directive
            }
        }
        var edited = findings.map { finding in
            guard Self.rulesWithExactEdits.contains(finding.rule), let location = finding.location,
                let directive = byPlace[location], let parsed = parsedFixes[finding.fix],
                let replacement = replacement(of: directive, by: parsed, text: finding.fix)
            else { return finding }
            var finding = finding
            finding.replacement = replacement
            return finding
        }
        // Two findings that would write different text over one directive (a file included in
        // two contexts): neither edit is offered.
        var textAt: [SourceLocation: String] = [:]
        var conflicting: Set<SourceLocation> = []
        for case let edit? in edited.map({ $0.replacement }) {
            if let other = textAt.updateValue(edit.text, forKey: edit.start), other != edit.text {
                conflicting.insert(edit.start)
            }
        }
        if !conflicting.isEmpty {
            for index in edited.indices where edited[index].replacement.map({ conflicting.contains($0.start) }) == true
            {
                edited[index].replacement = nil
            }
        }
        return edited
    }

    /// The one simple directive `fix` is, when it is one: printable ASCII, no placeholder
    /// (`<value>`), nothing after its `;`.
    static func directiveOfFix(_ fix: String) -> NginxDirective? {
        guard fix.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }), !fix.contains("<"), fix.hasSuffix(";"),
            !fix.contains("#"),
            let parsed = try? NginxParser.parse(Array(fix.utf8), file: "fix"), parsed.count == 1,
            parsed[0].block == nil
        else { return nil }
        return parsed[0]
    }

    /// `fix` (the directive `text` reads as) replacing `directive`: the same name, other values, and
    /// `directive` on one line (its end is recorded only when that line is ASCII up to the `;`).
    static func replacement(
        of directive: NginxDirective,
        by fix: NginxDirective,
        text: String
    ) -> Finding.Replacement? {
        guard fix.name == directive.name, let end = directive.end, end.line == directive.location.line,
            !fix.arguments.elementsEqual(directive.arguments, by: { $0.value == $1.value })
        else { return nil }
        var endLocation = directive.location
        endLocation.column = end.column
        return Finding.Replacement(start: directive.location, end: endLocation, text: text)
    }
}
