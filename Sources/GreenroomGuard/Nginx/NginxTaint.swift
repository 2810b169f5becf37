import GreenroomConfigParsing
import GreenroomCore

/// Which variables of an nginx configuration the client controls, followed through `map`, `geo`,
/// `set` and `if`.
///
/// Two kinds of control:
/// - *value*: the client writes the bytes (`$http_x_real_ip`, `set $a "$cookie_ip"`, a map entry
///   that copies a capture of `$arg_to`);
/// - *choice*: the client picks among values the configuration lists
///   (`map $http_x_forwarded_proto $xfp { default $scheme; https https; }`, a `set` inside
///   `if ($http_x = ...)`). Enough to forge a forwarding header, not to choose a proxy target.
///
/// Built in one pass over the definitions and one breadth-first walk per kind, so the cost is
/// linear in the size of the configuration.
struct NginxTaint: Sendable {
    /// Variables (lower case) whose bytes the client can write.
    private(set) var valueControlled: Set<String> = []
    /// Variables (lower case) whose value the client can write or choose.
    private(set) var influenced: Set<String> = []

    /// Nothing controlled (before the analysis is complete).
    init() {}

    /// The variables `analysis` lets the client control.
    init(_ analysis: NginxAnalysis) {
        var valueEdges: [String: [String]] = [:]
        var choiceEdges: [String: [String]] = [:]
        var roots: Set<String> = []
        func depend(_ target: String, on sources: [String], choice: Bool) {
            for source in sources {
                // $host alone is a checked host name; it counts only written among other text
                // (see `embeddedHost`).
                if Self.isBuiltinClientControlled(source) && source != "host" { roots.insert(source) }
                if choice {
                    choiceEdges[source, default: []].append(target)
                } else {
                    valueEdges[source, default: []].append(target)
                }
            }
        }
        for directive in analysis.maps.values {
            guard let block = directive.block, directive.arguments.count >= 2 else { continue }
            let target = Self.variableName(directive.arguments[1].value)
            let source = Self.sourceNames(directive.arguments[0].value)
            depend(target, on: source, choice: true)
            for entry in block where entry.block == nil {
                let values = entry.name == "hostnames" || entry.name == "volatile" ? [] : entry.values
                guard let value = values.last else { continue }
                var names = NginxVariables.names(in: value).map { $0.lowercased() }
                if names.contains("host") && !Self.isBareHost(value) { names.append(Self.embeddedHost) }
                let copiesSource = names.contains {
                    NginxVariables.isCapture($0) || Self.namedGroups(in: entry.name).contains($0)
                }
                depend(target, on: names.filter { !NginxVariables.isCapture($0) }, choice: false)
                if copiesSource { depend(target, on: source, choice: false) }
                for group in Self.namedGroups(in: entry.name) { depend(group, on: source, choice: false) }
            }
        }
        for directive in analysis.geos {
            guard directive.arguments.count >= 2 else { continue }
            let target = Self.variableName(directive.arguments[1].value)
            depend(target, on: Self.sourceNames(directive.arguments[0].value), choice: true)
        }
        for scope in analysis.httpRoots + analysis.blocks {
            let conditions = scope.levels.filter { $0.kind == .ifBlock }.flatMap { level in
                (level.directive?.values ?? []).flatMap { NginxVariables.names(in: $0) }.map { $0.lowercased() }
            }
            if scope.innermost.kind == .ifBlock, let condition = scope.innermost.directive {
                let names = condition.values.flatMap { NginxVariables.names(in: $0) }.map { $0.lowercased() }
                for value in condition.values {
                    for group in Self.namedGroups(in: value) { depend(group, on: names, choice: false) }
                }
            }
            if scope.innermost.kind == .location, let location = scope.innermost.directive {
                for value in location.values {
                    for group in Self.namedGroups(in: value) { roots.insert(group) }
                }
            }
            for directive in scope.innermost.simple["set"] ?? [] where directive.arguments.count >= 2 {
                let target = Self.variableName(directive.arguments[0].value)
                let value = directive.arguments[1].value
                var names = NginxVariables.names(in: value).map { $0.lowercased() }
                // A plain copy of $host is $host (nginx checked it is a host name); written
                // among other text, the client's `,` `;` `"` become part of the value.
                if names.contains("host") && !Self.isBareHost(value) { names.append(Self.embeddedHost) }
                depend(target, on: names, choice: false)
                depend(target, on: conditions, choice: true)
            }
        }
        roots.insert(Self.embeddedHost)
        valueControlled = Self.reach(from: roots, through: [valueEdges])
        influenced = Self.reach(from: roots, through: [valueEdges, choiceEdges])
    }

    /// Every variable reachable from `roots` along the edges.
    private static func reach(from roots: Set<String>, through edges: [[String: [String]]]) -> Set<String> {
        var seen = roots
        var queue = Array(roots)
        while let next = queue.popLast() {
            for table in edges {
                for target in table[next] ?? [] where seen.insert(target).inserted { queue.append(target) }
            }
        }
        return seen
    }

    /// Stands for `$host` written among other text, where the client's separators count: no
    /// variable can have this name.
    private static let embeddedHost = "$host-embedded"

    /// `true` for a value that is exactly `$host`.
    private static func isBareHost(_ value: String) -> Bool { value == "$host" || value == "${host}" }

    /// `$name` → `name` (lower case).
    static func variableName(_ text: String) -> String {
        var name = Substring(text)
        if name.hasPrefix("$") { name = name.dropFirst() }
        if name.hasPrefix("{") && name.hasSuffix("}") { name = name.dropFirst().dropLast() }
        return name.lowercased()
    }

    /// The variables a `map`/`geo` source expression reads.
    private static func sourceNames(_ text: String) -> [String] {
        NginxVariables.names(in: text).map { $0.lowercased() }
    }

    /// The names of `(?<name>...)` / `(?P<name>...)` groups in a regex.
    static func namedGroups(in pattern: String) -> [String] {
        var names: [String] = []
        var rest = Substring(pattern)
        while let open = rest.firstRange(of: "(?") {
            rest = rest[open.upperBound...]
            if rest.hasPrefix("P") { rest = rest.dropFirst() }
            guard rest.hasPrefix("<"), !rest.hasPrefix("<="), !rest.hasPrefix("<!") else { continue }
            rest = rest.dropFirst()
            guard let close = rest.firstIndex(of: ">") else { break }
            names.append(rest[..<close].lowercased())
            rest = rest[close...]
        }
        return names
    }

    /// nginx's own variables whose value comes from the request.
    static func isBuiltinClientControlled(_ name: String) -> Bool {
        NginxVariables.isClientControlled(name) && name != "proxy_add_x_forwarded_for"
    }

    /// The client-controlled variables in a value, as `$name`.
    ///
    /// - Parameters:
    ///   - choice: count variables the client only chooses among listed values.
    ///   - bareHostIsSafe: a value that is exactly `$host` does not count (it is a checked host
    ///     name); `$host` among other text does, since nginx passes `,` `;` and `"` in it.
    func clientVariables(in value: String, choice: Bool, bareHostIsSafe: Bool) -> [String] {
        let names = NginxVariables.names(in: value)
        var found: [String] = []
        for name in names {
            let lowered = name.lowercased()
            if lowered == "proxy_add_x_forwarded_for" { continue }
            if lowered == "host" && bareHostIsSafe && Self.isBareHost(value) { continue }
            let controlled =
                Self.isBuiltinClientControlled(lowered)
                || (choice ? influenced.contains(lowered) : valueControlled.contains(lowered))
            if controlled && !found.contains("$\(name)") { found.append("$\(name)") }
        }
        return found
    }
}
