import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR126, GR127: `rewrite` shapes that make nginx escape numbered captures into a buffer
    /// sized for the raw bytes (as Gixy-Next's `unnamed_groups` and `overlapping_captures` see them).
    func rewriteCaptureFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var findings: [Finding] = []
        for scope in analysis.scopes {
            let children = scope.innermost.children
            for (index, rewrite) in children.enumerated() where rewrite.name == "rewrite" && rewrite.block == nil {
                guard rewrite.arguments.count >= 2 else { continue }
                if let finding = overlappingCaptures(rewrite) { findings.append(finding) }
                guard rewrite.values[1].contains("?"), !Self.rewriteStops(rewrite),
                    let reader = Self.captureReader(after: index, in: scope)
                else { continue }
                findings.append(
                    Rule.nginxRewriteArgsCapture.finding(
                        at: rewrite.location,
                        "rewrite writes arguments ('?') and a later \(reader.name) reads a numbered capture: "
                            + "nginx before 1.30.1 (mainline 1.31.0) overflows a heap buffer here (CVE-2026-42945)",
                        fix: "upgrade nginx, or capture by name: (?<name>...) and $name in the \(reader.name)",
                        related: [reader.location]
                    )
                )
            }
        }
        return findings
    }

    /// `true` when the rewrite ends the rewrite phase on a match (a flag or an absolute URL).
    private static func rewriteStops(_ rewrite: NginxDirective) -> Bool {
        let values = rewrite.values
        if values.count > 2, ["last", "break", "redirect", "permanent"].contains(values[2].lowercased()) {
            return true
        }
        return ["http://", "https://", "$scheme"].contains { values[1].hasPrefix($0) }
    }

    /// The first `set`, `if` or `rewrite` after `children[index]` (following enclosing `if`
    /// blocks outwards, whose effect outlives them) that reads `$1`…`$9`, unless a `return` or
    /// `break` comes first. The advisories name all three: a following rewrite's replacement is
    /// computed with the arguments flag the first one left set.
    private static func captureReader(after index: Int, in scope: NginxScope) -> NginxDirective? {
        var levelIndex = scope.levels.count - 1
        var start = index + 1
        while true {
            let children = scope.levels[levelIndex].children
            for sibling in children[min(start, children.count)...] {
                if sibling.block == nil && (sibling.name == "return" || sibling.name == "break") { return nil }
                if let reader = readsCapture(sibling) { return reader }
            }
            let level = scope.levels[levelIndex]
            guard level.kind == .ifBlock, levelIndex > 0, let opener = level.directive,
                let position = scope.levels[levelIndex - 1].children.firstIndex(where: {
                    $0.location == opener.location
                })
            else { return nil }
            levelIndex -= 1
            start = position + 1
        }
    }

    /// The directive (`directive` or one inside its `if`) whose computed value reads `$1`…`$9`:
    /// a `set`'s value or a `rewrite`'s replacement.
    private static func readsCapture(_ directive: NginxDirective) -> NginxDirective? {
        if directive.name == "set" || directive.name == "rewrite", directive.block == nil,
            directive.arguments.count >= 2, !numberedCaptures(directive.arguments[1].value).isEmpty
        {
            return directive
        }
        guard directive.name == "if", let block = directive.block else { return nil }
        let values = directive.values.map { $0.trimmingParentheses }
        if values.count >= 3, values[1] == "=" || values[1] == "!=", !numberedCaptures(values[2]).isEmpty {
            return directive
        }
        if values.count >= 2, ["-f", "-d", "-e", "-x", "!-f", "!-d", "!-e", "!-x"].contains(values[0]),
            !numberedCaptures(values[1]).isEmpty
        {
            return directive
        }
        for child in block { if let reader = readsCapture(child) { return reader } }
        return nil
    }

    /// GR127: a redirect (or the arguments part) referencing two nested numbered captures once
    /// each, with no named variable in the replacement.
    private func overlappingCaptures(_ rewrite: NginxDirective) -> Finding? {
        let pattern = rewrite.values[0]
        var replacement = Substring(rewrite.values[1])
        if replacement.hasSuffix("?") { replacement = replacement.dropLast() }
        let flag = rewrite.values.count > 2 ? rewrite.values[2].lowercased() : ""
        guard NginxVariables.names(in: String(replacement)).allSatisfy(NginxVariables.isCapture) else { return nil }
        let all = Self.numberedCaptures(replacement)
        guard Set(all).count == all.count else { return nil }
        let redirects =
            flag == "redirect" || flag == "permanent" || replacement.hasPrefix("http://")
            || replacement.hasPrefix("https://")
        let escaped: [Int]
        if redirects {
            escaped = all
        } else if let question = replacement.firstIndex(of: "?") {
            escaped = Self.numberedCaptures(replacement[replacement.index(after: question)...])
        } else {
            return nil
        }
        let parents = NginxRegex.captureParents(pattern)
        func ancestors(_ group: Int) -> Set<Int> {
            var found = Set<Int>()
            var current = parents[group] ?? nil
            while let parent = current {
                found.insert(parent)
                current = parents[parent] ?? nil
            }
            return found
        }
        let referenced = escaped.filter { parents[$0] != nil }.sorted()
        for (offset, outer) in referenced.enumerated() {
            for inner in referenced[(offset + 1)...] where ancestors(inner).contains(outer) {
                return Rule.nginxOverlappingCaptures.finding(
                    at: rewrite.location,
                    "rewrite escapes $\(outer) and $\(inner), one inside the other, into "
                        + (redirects ? "a redirect" : "the arguments")
                        + ": nginx before 1.30.2 (mainline 1.31.1) overflows a heap buffer here (CVE-2026-9256)",
                    fix: "upgrade nginx, or capture by name ((?<name>...)) and write $name"
                )
            }
        }
        return nil
    }

    /// The single-digit captures nginx reads in `value` (`$10` is `$1` and a `0`).
    static func numberedCaptures(_ value: some StringProtocol) -> [Int] {
        var found: [Int] = []
        var previous: Character? = nil
        for character in value {
            if previous == "$", let digit = character.wholeNumberValue, digit >= 1 { found.append(digit) }
            previous = character
        }
        return found
    }
}

extension String {
    /// The value without the `(` and `)` an `if` condition's first and last words carry.
    fileprivate var trimmingParentheses: String {
        var value = Substring(self)
        if value.hasPrefix("(") { value = value.dropFirst() }
        if value.hasSuffix(")") { value = value.dropLast() }
        return String(value)
    }
}
