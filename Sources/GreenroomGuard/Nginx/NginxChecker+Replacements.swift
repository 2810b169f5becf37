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
        // each text is parsed once. Findings and the directives they could replace are then
        // matched by place in one merge of two sorted lists; nothing is hashed per finding.
        var parsedFixes: [String: NginxDirective?] = [:]
        var last: (text: String, directive: NginxDirective?)? = nil
        var candidates: [(location: SourceLocation, index: Int, fix: NginxDirective)] = []
        var names: [String] = []
        for index in findings.indices {
            guard Self.rulesWithExactEdits.contains(findings[index].rule), let location = findings[index].location
            else { continue }
            let text = findings[index].fix
            let parsed: NginxDirective?
            if let last, last.text == text {
                parsed = last.directive
            } else if let known = parsedFixes[text] {
                parsed = known
            } else {
                parsed = directiveOfFix(text)
                parsedFixes[text] = parsed
            }
            last = (text, parsed)
            guard let parsed else { continue }
            candidates.append((location, index, parsed))
            if !names.contains(parsed.name) { names.append(parsed.name) }
        }
        guard !candidates.isEmpty else { return findings }
        // The directives a fix could replace (recorded end, a fix's name), read in place.
        var replaceable: [(location: SourceLocation, directive: NginxDirective)] = []
        func visit(_ directives: [NginxDirective]) {
            for index in directives.indices {
                if directives[index].end != nil, names.contains(directives[index].name) {
                    replaceable.append((directives[index].location, directives[index]))
                }
                if let block = directives[index].block { visit(block) }
            }
        }
        visit(config.directives)
        // Both are nearly sorted already (findings by place, directives in file order between
        // includes), which the sort is linear on.
        candidates.sort { $0.location < $1.location }
        replaceable.sort { $0.location < $1.location }
        var edited = findings
        var next = replaceable.startIndex
        var run: [Int] = []  // the candidates at one place with an edit
        func settle() {
            // Two findings that would write different text over one directive (a file
            // included in two contexts): neither edit is offered.
            if let first = run.first, let text = edited[first].replacement?.text,
                run.contains(where: { edited[$0].replacement?.text != text })
            {
                for index in run { edited[index].replacement = nil }
            }
            run.removeAll(keepingCapacity: true)
        }
        for candidate in candidates {
            if let first = run.first, edited[first].location != candidate.location { settle() }
            while next < replaceable.endIndex, replaceable[next].location < candidate.location { next += 1 }
            guard next < replaceable.endIndex, replaceable[next].location == candidate.location,
                let replacement = replacement(
                    of: replaceable[next].directive,
                    by: candidate.fix,
                    text: findings[candidate.index].fix
                )
            else { continue }
            edited[candidate.index].replacement = replacement
            run.append(candidate.index)
        }
        settle()
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
