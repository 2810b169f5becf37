/// YAML text that cannot be composed, with libyaml's own words and the place.
package struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which stage refused the text.
    package enum Kind: Sendable, Hashable {
        /// Not valid UTF-8, or a character YAML does not allow (a control character).
        case reader
        /// Tokens: an unclosed quote, a tab where indentation belongs...
        case scanner
        /// Structure: a key where a value belongs, an unclosed flow collection...
        case parser
        /// Documents and nodes: an alias to no anchor, several documents where one is expected.
        case composer
        /// A mapping writes the same key more than once: ``YAMLError/keys`` names them (the first
        /// ten, in the order they are written again).
        case duplicateKeys
        /// More values than ``YAMLComposer/Limits`` allow (aliases expanded), or a longer key.
        case tooLarge
        /// Nested deeper than ``YAMLComposer/Limits/depth`` or libyaml's limit of 1,000 collections
        /// (or, what Linux hardly ever lets happen, an allocation failed).
        case tooDeep
    }

    /// Which stage refused the text.
    package let kind: Kind
    /// What is wrong, in libyaml's words ("found undefined alias", "could not find expected ':'").
    package let problem: String
    /// What libyaml was reading ("while scanning a simple key"), when it says.
    package let context: String?
    /// Where the problem is.
    package let mark: YAMLMark
    /// For ``Kind/duplicateKeys``: the keys written twice (the first ten).
    package let keys: [String]

    package init(_ kind: Kind, _ problem: String, context: String? = nil, at mark: YAMLMark, keys: [String] = []) {
        self.kind = kind
        self.problem = problem
        self.context = context
        self.mark = mark
        self.keys = keys
    }

    /// The message without the place: "invalid YAML: while scanning a simple key could not find
    /// expected ':'", "invalid YAML text: invalid leading UTF-8 octet", "key a written twice in
    /// one mapping".
    package var message: String {
        switch kind {
        case .reader: "invalid YAML text: \(problem)"
        case .duplicateKeys: "key \(keys.joined(separator: ", ")) written twice in one mapping"
        default: "invalid YAML: \(context.map { "\($0) " } ?? "")\(problem)"
        }
    }

    /// `line:column: message`.
    package var description: String { "\(mark.line):\(mark.column): \(message)" }
}
