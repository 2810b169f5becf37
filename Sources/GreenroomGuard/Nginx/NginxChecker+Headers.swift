import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR028, GR029, GR030: header values and header inheritance.
    func headerFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var findings: [Finding] = []
        var seen = Set<SourceLocation>()
        for scope in analysis.httpRoots + analysis.blocks {
            for directive in scope.innermost.children where directive.block == nil {
                guard let finding = splitting(directive, scope: scope), seen.insert(directive.location).inserted else {
                    continue
                }
                findings.append(finding)
            }
        }
        // The blocks around some proxy_pass, by identity (a block is one level object, shared by
        // every scope inside it).
        let proxying = Set(analysis.sites.flatMap { site in site.scope.levels.map(ObjectIdentifier.init) })
        for scope in analysis.blocks {
            if let finding = dropped("add_header", in: scope, rule: .nginxAddHeaderDropped) { findings.append(finding) }
            guard scope.innermost.directive != nil, proxying.contains(ObjectIdentifier(scope.innermost)) else {
                continue
            }
            if let finding = dropped("proxy_set_header", in: scope, rule: .nginxProxyHeaderDropped) {
                findings.append(finding)
            }
        }
        return findings
    }

    /// GR028 for one directive.
    private func splitting(_ directive: NginxDirective, scope: NginxScope) -> Finding? {
        lazy var values = directive.values  // only for the directives the switch judges
        var value: String? = nil
        var regex: String? = nil
        switch directive.name {
        case "add_header", "proxy_set_header":
            value = values.count >= 2 ? values[1] : nil
        case "proxy_pass":
            value = values.first
        case "return":
            if values.count == 1, values[0].contains("$") {
                value = values[0]
            } else if values.count >= 2, ["301", "302", "303", "307", "308"].contains(values[0]) {
                value = values[1]
            }
        case "rewrite":
            if values.count >= 2 {
                let redirect =
                    values.count >= 3 && (values[2] == "redirect" || values[2] == "permanent")
                    || ["http://", "https://", "$scheme"].contains { values[1].hasPrefix($0) }
                if redirect {
                    value = values[1]
                    regex = values[0]
                }
            }
        default:
            return nil
        }
        guard let value else { return nil }
        let enclosingRegex =
            regex
            ?? scope.levels.reversed().first { level in
                guard level.kind == .location, let first = level.directive?.arguments.first?.value else { return false }
                return first == "~" || first == "~*"
            }?.directive?.arguments.dropFirst().first?.value
        var unsafe: [String] = []
        for name in NginxVariables.names(in: value) {
            if NginxVariables.decodedPath.contains(name) {
                unsafe.append("$\(name)")
            } else if let pattern = enclosingRegex, let group = NginxRegex.group(name, in: pattern),
                NginxRegex.canMatchLineBreak(group)
            {
                unsafe.append("$\(name) (captured by \(group))")
            }
        }
        guard !unsafe.isEmpty else { return nil }
        let replacement =
            unsafe.contains { !$0.contains("captured") }
            ? "$request_uri (it stays percent-encoded)"
            : "a capture that excludes line breaks, e.g. ([^\\r\\n/]+)"
        return Rule.nginxHeaderSplitting.finding(
            at: directive.location,
            "\(directive.name) uses \(unsafe.joined(separator: ", ")), which holds the decoded path: %0d%0a in a request "
                + "becomes a line break here",
            fix: "use \(replacement) instead"
        )
    }

    /// GR029 / GR030: a block with its own `name` directives, dropping the outer level's.
    private func dropped(_ name: String, in scope: NginxScope, rule: Rule) -> Finding? {
        let inner = scope.innermost.simple[name] ?? []
        guard let first = inner.first, scope.levels.count >= 2 else { return nil }
        let outerScope = NginxScope(levels: Array(scope.levels.dropLast()))
        let (outer, _) = outerScope.effective(name)
        let innerNames = Set(inner.map { $0.firstValue.lowercased() })
        var dropped: [String] = []
        for directive in outer where !innerNames.contains(directive.firstValue.lowercased()) {
            if !dropped.contains(directive.firstValue) { dropped.append(directive.firstValue) }
        }
        guard !dropped.isEmpty, let outerLine = outer.first?.location else { return nil }
        let block = scope.innermost.directive.map { ([$0.name] + $0.values).joined(separator: " ") } ?? "this block"
        return rule.finding(
            at: first.location,
            "\(name) in '\(block)' replaces the outer list (from \(outerLine.reference(from: first.location))): "
                + dropped.joined(separator: ", ") + " no longer apply here",
            fix: "repeat the outer \(name) lines in this block (an include snippet keeps them in one place)"
        )
    }
}
