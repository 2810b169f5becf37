import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR040, GR047, GR101, GR109, GR114: the regular expressions of locations, `if`,
    /// `rewrite` and `map`.
    func regexFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var findings: [Finding] = []
        for scope in analysis.scopes {
            let level = scope.innermost
            if level.kind == .location, let location = level.directive, Self.isRegexLocation(location) {
                let pattern = location.values[1]
                findings += redos(pattern, at: location.location)
                if !pattern.hasPrefix("^") && !pattern.hasSuffix("$") {
                    findings.append(
                        Rule.nginxUnanchoredRegex.finding(
                            at: location.location,
                            "location \(location.firstValue) \(pattern) matches anywhere in the path",
                            fix: "anchor it: location \(location.firstValue) ^\(pattern)"
                        )
                    )
                }
                if location.firstValue == "~", let literal = Self.exactPath(pattern) {
                    findings.append(
                        Rule.nginxRegexExactMatch.finding(
                            at: location.location,
                            "location ~ \(pattern) matches exactly one path",
                            fix: "location = \(literal) { ... }"
                        )
                    )
                }
            }
            if level.kind == .ifBlock, let condition = level.directive,
                let (variable, op, pattern) = Self.ifRegex(condition)
            {
                findings += redos(pattern, at: condition.location)
                let name = variable.lowercased()
                if name == "$http_origin" || name == "$http_referer", let problem = Self.originProblem(pattern) {
                    findings.append(
                        Rule.nginxOriginRegex.finding(
                            at: condition.location,
                            "if (\(variable) \(op) \(pattern)): \(problem), so other sites pass this check",
                            fix: "anchor both ends and escape the dots: ^https://example\\.com$ "
                                + "(or compare with = / a map of exact origins)"
                        )
                    )
                }
            }
            for rewrite in level.simple["rewrite"] ?? [] where rewrite.arguments.count >= 2 {
                let pattern = rewrite.values[0]
                findings += redos(pattern, at: rewrite.location)
                findings += missingCaptures(in: [rewrite.values[1]], pattern: pattern, at: rewrite)
            }
            if let pattern = Self.innermostRegex(scope) {
                for directive in level.children where directive.block == nil && directive.name != "rewrite" {
                    guard
                        ["return", "proxy_pass", "set", "add_header", "alias", "root", "try_files"].contains(
                            directive.name
                        )
                    else { continue }
                    findings += missingCaptures(in: directive.values, pattern: pattern, at: directive)
                }
            }
        }
        for map in analysis.maps.values {
            for entry in map.block ?? [] where entry.name.hasPrefix("~") {
                findings += redos(String(entry.name.dropFirst(entry.name.hasPrefix("~*") ? 2 : 1)), at: entry.location)
            }
        }
        return findings
    }

    /// `($var ~ pattern)` → its parts (`~`, `~*`, `!~`, `!~*`).
    static func ifRegex(_ condition: NginxDirective) -> (String, String, String)? {
        let values = condition.values
        guard let index = values.firstIndex(where: { ["~", "~*", "!~", "!~*"].contains($0) }), index >= 1,
            index + 1 < values.count
        else { return nil }
        var variable = Substring(values[index - 1])
        if variable.hasPrefix("(") { variable = variable.dropFirst() }
        var pattern = Substring(values[index + 1])
        if index + 2 == values.count, pattern.hasSuffix(")"), condition.arguments[index + 1].quote == .none {
            pattern = pattern.dropLast()
        }
        return (String(variable), values[index], String(pattern))
    }

    /// Why an Origin/Referer pattern accepts other sites, or `nil`.
    static func originProblem(_ pattern: String) -> String? {
        if !pattern.hasPrefix("^") { return "the pattern is not anchored at the start" }
        if NginxRegex.hasUnescapedDot(pattern) { return "an unescaped dot matches any character" }
        let afterScheme = pattern.firstRange(of: "://").map { pattern[$0.upperBound...] } ?? Substring(pattern)
        if !(pattern.hasSuffix("$") || pattern.hasSuffix("$)") || afterScheme.contains("/")) {
            return "the host is not followed by $ or /, so example.com.evil.net matches"
        }
        return nil
    }

    /// The path a regex location matches exactly (`^/health$` → `/health`), if it is one.
    static func exactPath(_ pattern: String) -> String? {
        guard pattern.hasPrefix("^/"), pattern.hasSuffix("$"), pattern.count > 2 else { return nil }
        var literal = ""
        var escaped = false
        for character in pattern.dropFirst().dropLast() {
            if escaped {
                guard character == "." || character == "/" || character == "-" else { return nil }
                literal.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character.isLetter || character.isNumber || "/_-".contains(character) {
                literal.append(character)
            } else {
                return nil
            }
        }
        return escaped ? nil : literal
    }

    /// The regex whose captures `$1`… refer to in `scope`: the innermost regex location or `if`.
    static func innermostRegex(_ scope: NginxScope) -> String? {
        for level in scope.levels.reversed() {
            guard let directive = level.directive else { continue }
            if level.kind == .location {
                return isRegexLocation(directive) ? directive.values[1] : nil
            }
            if level.kind == .ifBlock, let (_, op, pattern) = ifRegex(directive), !op.hasPrefix("!") { return pattern }
        }
        return nil
    }

    /// GR047 for one pattern.
    private func redos(_ pattern: String, at location: SourceLocation) -> [Finding] {
        guard let group = NginxRegex.nestedRepetition(pattern) else { return [] }
        return [
            Rule.nginxRegexReDoS.finding(
                at: location,
                "\(group) repeats a group that itself repeats: a crafted request makes the regex backtrack "
                    + "exponentially",
                fix: "repeat a character class instead (e.g. [\\w/]+), or make the inner part fixed-length"
            )
        ]
    }

    /// GR109: numbered captures in `values` that `pattern` does not define.
    private func missingCaptures(in values: [String], pattern: String, at directive: NginxDirective) -> [Finding] {
        let count = NginxRegex.captureCount(pattern)
        var missing: [String] = []
        for value in values {
            for name in NginxVariables.names(in: value) where NginxVariables.isCapture(name) {
                if let number = Int(name), number > count, !missing.contains("$\(name)") { missing.append("$\(name)") }
            }
        }
        guard !missing.isEmpty else { return [] }
        return [
            Rule.nginxInvalidCapture.finding(
                at: directive.location,
                "\(directive.name) uses \(missing.joined(separator: ", ")) but \(pattern) has \(count) capture group(s)",
                fix: "refer only to $1…$\(count), or add the group to the pattern"
            )
        ]
    }
}
