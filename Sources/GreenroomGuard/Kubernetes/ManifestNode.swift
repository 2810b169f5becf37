import GreenroomConfigParsing

/// One value of a Kubernetes manifest, with the place it was written: a scalar, a mapping or a
/// list. The rules read manifests through this tree, so every finding can point at the line of
/// the field it is about.
///
/// Mappings keep their keys in the order written; keys are strings (a manifest with any other key
/// is refused when it is read).
package struct ManifestNode: Sendable, Hashable {
    /// What the node holds.
    package indirect enum Value: Sendable, Hashable {
        /// A scalar's text, as written (`true`, `0.0.0.0/0`, `8000`); `plain` is `false` for a
        /// quoted or block scalar.
        case scalar(String, plain: Bool)
        /// A mapping's entries in order.
        case mapping([Entry])
        /// A list's items in order.
        case sequence([ManifestNode])
    }

    /// One key of a mapping, with where the key was written.
    package struct Entry: Sendable, Hashable {
        /// The key.
        package var key: String
        /// Where the key is (`hostNetwork:`).
        package var keyLocation: SourceLocation
        /// The value.
        package var value: ManifestNode
    }

    /// The value.
    package var value: Value
    /// Where the value starts.
    package var location: SourceLocation

    /// Creates a node.
    package init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    /// The value under `key` when this is a mapping.
    package subscript(_ key: String) -> ManifestNode? { entry(key)?.value }

    /// The entry for `key` when this is a mapping (the key's location as well as the value).
    package func entry(_ key: String) -> Entry? {
        guard case .mapping(let entries) = value else { return nil }
        return entries.first { $0.key == key }
    }

    /// The value at a path of keys (`node.at("spec", "template", "spec")`).
    package func at(_ keys: String...) -> ManifestNode? {
        var current: ManifestNode? = self
        for key in keys { current = current?[key] }
        return current
    }

    /// The entries when this is a mapping; empty otherwise.
    package var entries: [Entry] {
        if case .mapping(let entries) = value { return entries }
        return []
    }

    /// The items when this is a list; empty otherwise (a `null` list is an empty one).
    package var items: [ManifestNode] {
        if case .sequence(let items) = value { return items }
        return []
    }

    /// The text when this is a scalar that is not `null`.
    package var text: String? {
        guard case .scalar(let text, let plain) = value else { return nil }
        if plain && Self.nullWords.contains(text) { return nil }
        return text
    }

    /// `true` for a `null` (`~`, `null`, or nothing at all after the key).
    package var isNull: Bool {
        guard case .scalar(let text, let plain) = value else { return false }
        return plain && Self.nullWords.contains(text)
    }

    /// `true` when this is a mapping (possibly empty).
    package var isMapping: Bool {
        if case .mapping = value { return true }
        return false
    }

    /// `true` when this is a list (possibly empty).
    package var isSequence: Bool {
        if case .sequence = value { return true }
        return false
    }

    /// The scalar read as a boolean the way Kubernetes' YAML reader does (`true`/`false`, also
    /// `yes`/`no`/`on`/`off` unquoted); `nil` for anything else.
    package var bool: Bool? {
        guard let text else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on", "y": return true
        case "false", "no", "off", "n": return false
        default: return nil
        }
    }

    /// The scalar as a whole number the way Kubernetes' YAML 1.1 reader takes it: decimal with an
    /// optional sign, `0x` hex, `0o` or leading-`0` octal, `0b` binary, `_` separators; `nil` for
    /// anything else.
    package var int: Int? {
        guard let text, plainScalar else { return text.flatMap { Int($0) } }
        var digits = Substring(text.filter { $0 != "_" })
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        var radix = 10
        for (prefix, base) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.lowercased().hasPrefix(prefix) {
            radix = base
            digits = digits.dropFirst(2)
        }
        if radix == 10, digits.count > 1, digits.first == "0", digits.allSatisfy({ ("0"..."7").contains($0) }) {
            radix = 8
        }
        guard !digits.isEmpty, let value = Int(digits, radix: radix) else { return nil }
        return negative ? -value : value
    }

    private var plainScalar: Bool {
        if case .scalar(_, let plain) = value { return plain }
        return false
    }

    private static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]
}
