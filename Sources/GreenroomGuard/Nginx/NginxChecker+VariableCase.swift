import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR123: one variable written in two cases (nginx folds variable names to lower case).
    /// Regular expressions are not read: there `$` is an anchor, not a variable.
    func variableCaseFindings(_ analysis: NginxAnalysis) -> [Finding] {
        /// Per lower-cased name: each spelling with the first directive that used it, in order.
        var spellings: [String: [(spelling: String, directive: NginxDirective)]] = [:]
        var order: [String] = []
        analysis.config.forEachDirective { directive, _ in
            for value in Self.interpolated(directive) where value.utf8.contains(UInt8(ascii: "$")) {
                for name in NginxVariables.names(in: value) where !NginxVariables.isCapture(name) {
                    let key = name.lowercased()
                    if spellings[key] == nil { order.append(key) }
                    if !(spellings[key] ?? []).contains(where: { $0.spelling == name }) {
                        spellings[key, default: []].append((name, directive))
                    }
                }
            }
        }
        return order.compactMap { key in
            guard let uses = spellings[key], uses.count >= 2 else { return nil }
            let names = uses.map { "$" + $0.spelling }.joined(separator: ", ")
            return Rule.nginxMixedCaseVariable.finding(
                at: uses[1].directive.location,
                "\(names) are one variable: nginx ignores the case of variable names",
                fix: "spell it $\(uses[0].spelling) everywhere",
                related: [uses[0].directive.location] + uses.dropFirst(2).map(\.directive.location)
            )
        }
    }

    /// The values of `directive` in which nginx expands variables: not the regular expressions
    /// of `location`, `server_name`, `rewrite` and an `if` match.
    private static func interpolated(_ directive: NginxDirective) -> [String] {
        let values = directive.values
        switch directive.name {
        case "location", "server_name": return []
        case "rewrite": return Array(values.dropFirst())
        case "if":
            let operators: Set<String> = ["~", "~*", "!~", "!~*"]
            return values.enumerated().filter { index, _ in
                index == 0 || !operators.contains(values[index - 1])
            }.map(\.element)
        default: return values
        }
    }
}
