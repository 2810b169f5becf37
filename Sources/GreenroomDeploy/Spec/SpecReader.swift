import GreenroomConfigParsing
import GreenroomCore
import GreenroomYAML

/// Walks a composed YAML tree, converting values and remembering where each one was written.
///
/// Every conversion names the key path and the node's line and column when it fails, so a bad
/// spec always produces one precise line. Scalars are interpreted here, not by the YAML resolver:
/// `off` is a word where a word is expected and `false` where a boolean is, never a surprise.
struct SpecReader {
    let file: String
    var locations: SpecLocations

    init(file: String) {
        self.file = file
        self.locations = SpecLocations(file: file)
    }

    func location(of node: YAMLNode) -> SourceLocation {
        SourceLocation(file: file, line: node.mark.line, column: node.mark.column)
    }

    func error(_ code: SpecError.Code, _ node: YAMLNode, _ path: String, _ message: String) -> SpecError {
        SpecError(code, at: location(of: node), keyPath: path, message)
    }

    /// `true` for an absent value: an empty plain scalar, `~` or `null`.
    static func isNull(_ node: YAMLNode) -> Bool {
        guard case .scalar(let scalar) = node, scalar.isPlain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The keys of a mapping, checked against `allowed`; unknown keys are errors that suggest the
    /// nearest allowed key. Records every key's and value's location under `path.key`.
    mutating func fields(_ node: YAMLNode, at path: String, allowed: [String]) throws(SpecError) -> [String: YAMLNode] {
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType, node, path, "expected a mapping with keys \(allowed.joined(separator: ", "))")
        }
        var result: [String: YAMLNode] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                throw error(.wrongType, keyNode, path, "keys must be plain words")
            }
            let key = keyScalar.string
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                var message = "unknown key"
                if let suggestion = SpecReader.nearest(key, in: allowed) {
                    message += " (did you mean '\(suggestion)'?)"
                }
                message += "; allowed here: \(allowed.joined(separator: ", "))"
                throw error(.unknownKey, keyNode, keyPath, message)
            }
            guard result[key] == nil else { throw error(.duplicateKey, keyNode, keyPath, "written twice") }
            result[key] = value
            locations.keys[keyPath] = location(of: keyNode)
            if !SpecReader.isNull(value) { locations.values[keyPath] = location(of: value) }
        }
        return result
    }

    /// The text of a scalar.
    func string(_ node: YAMLNode, at path: String) throws(SpecError) -> String {
        switch node {
        case .scalar(let scalar): return scalar.string
        case .mapping: throw error(.wrongType, node, path, "expected a single value, found a mapping")
        case .sequence: throw error(.wrongType, node, path, "expected a single value, found a list")
        }
    }

    /// One of `words`, case-insensitively; returned lower-cased.
    func word(_ node: YAMLNode, at path: String, oneOf words: [String]) throws(SpecError) -> String {
        let text = try string(node, at: path)
        guard let match = words.first(where: { $0.lowercased() == text.lowercased() }) else {
            throw error(.invalidValue, node, path, "'\(text)' is not one of \(words.joined(separator: ", "))")
        }
        return match
    }

    /// `true`/`false` (also `yes`/`no`, `on`/`off`).
    func bool(_ node: YAMLNode, at path: String) throws(SpecError) -> Bool {
        let text = try string(node, at: path).lowercased()
        switch text {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(.wrongType, node, path, "'\(text)' is not true or false")
        }
    }

    /// A whole number in `range`.
    func int(_ node: YAMLNode, at path: String, in range: ClosedRange<Int>) throws(SpecError) -> Int {
        let text = try string(node, at: path)
        guard let value = Int(text.replacingUnderscores()) else {
            throw error(.wrongType, node, path, "'\(text)' is not a whole number")
        }
        guard range.contains(value) else {
            throw error(.invalidValue, node, path, "\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// A duration: `500ms`, `30s`, `5m`, `1h`, `1d` or a bare number of seconds.
    func duration(_ node: YAMLNode, at path: String, in range: ClosedRange<Duration>) throws(SpecError) -> Duration {
        let text = try string(node, at: path)
        guard let value = SpecValues.parseDuration(text) else {
            throw error(.wrongType, node, path, "'\(text)' is not a duration such as 500ms, 30s, 5m, 1h")
        }
        guard range.contains(value) else {
            throw error(
                .invalidValue,
                node,
                path,
                "\(text) is out of range \(SpecValues.format(range.lowerBound))...\(SpecValues.format(range.upperBound))"
            )
        }
        return value
    }

    /// A size in bytes: `512`, `16k`, `10m`, `1g` (powers of 1024).
    func byteSize(_ node: YAMLNode, at path: String, in range: ClosedRange<Int>) throws(SpecError) -> Int {
        let text = try string(node, at: path)
        guard let value = SpecValues.parseByteSize(text) else {
            throw error(.wrongType, node, path, "'\(text)' is not a size such as 16k, 10m, 1g")
        }
        guard range.contains(value) else {
            throw error(
                .invalidValue,
                node,
                path,
                "\(text) is out of range \(SpecValues.formatBytes(range.lowerBound))...\(SpecValues.formatBytes(range.upperBound))"
            )
        }
        return value
    }

    /// The items of a list, each with its key path (`path[0]`...). A single scalar counts as a
    /// one-item list, so `trust: loopback` works as well as `trust: [loopback]`.
    mutating func list(_ node: YAMLNode, at path: String) throws(SpecError) -> [(node: YAMLNode, path: String)] {
        if SpecReader.isNull(node) { return [] }
        switch node {
        case .sequence(let sequence):
            var items: [(YAMLNode, String)] = []
            for (index, item) in sequence.enumerated() {
                let itemPath = "\(path)[\(index)]"
                locations.values[itemPath] = location(of: item)
                items.append((item, itemPath))
            }
            return items
        case .scalar:
            let itemPath = "\(path)[0]"
            locations.values[itemPath] = location(of: node)
            return [(node, itemPath)]
        case .mapping:
            throw error(.wrongType, node, path, "expected a list, found a mapping")
        }
    }

    /// The allowed word closest to `word` by edit distance, if it is close enough to be a typo.
    static func nearest(_ word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(Array(word.lowercased()), Array($0))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { filter { $0 != "_" } }
}
