/// A place in YAML text: 1-based line and column (columns count characters, as libyaml does).
package struct YAMLMark: Hashable, Sendable {
    /// The line, from 1.
    package var line: Int
    /// The column, from 1.
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// A composed YAML value with the place it starts.
///
/// Scalars keep their text; nothing is resolved to booleans or numbers here (`true`, `0123` and
/// `"0123"` are all text), so a reader decides what a value means where it expects one. Aliases are
/// replaced by the node their anchor names; the copies share storage, so an alias costs nothing
/// until a reader walks it (readers bound what they walk).
package enum YAMLNode: Sendable {
    /// A single value.
    case scalar(Scalar)
    /// Key–value pairs, in the order written.
    case mapping(Mapping)
    /// A list.
    case sequence(Sequence)

    /// A plain scalar at the start of the text (a reader's stand-in for a missing value).
    package init(_ string: String) {
        self = .scalar(Scalar(string))
    }

    /// Where the node starts.
    package var mark: YAMLMark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .mapping(let mapping): mapping.mark
        case .sequence(let sequence): sequence.mark
        }
    }

    /// A scalar's text, `nil` for a mapping or a list.
    package var string: String? {
        if case .scalar(let scalar) = self { scalar.string } else { nil }
    }

    /// A single YAML value and how it was written.
    package struct Scalar: Sendable {
        /// How a scalar was written.
        package enum Style: Sendable, Hashable {
            /// Unquoted (`on`, `8000`, `~`): the only style in which YAML readers see booleans,
            /// numbers and nulls.
            case plain
            /// `'text'`.
            case singleQuoted
            /// `"text"`.
            case doubleQuoted
            /// `|` block.
            case literal
            /// `>` block.
            case folded
        }

        /// The value, with quoting and escapes removed.
        package var string: String
        /// How it was written.
        package var style: Style
        /// Where it starts.
        package var mark: YAMLMark

        package init(_ string: String, style: Style = .plain, mark: YAMLMark = YAMLMark(line: 1, column: 1)) {
            self.string = string
            self.style = style
            self.mark = mark
        }

        /// Unquoted.
        package var isPlain: Bool { style == .plain }
    }

    /// A YAML mapping: its pairs in the order written.
    package struct Mapping: Sendable, RandomAccessCollection {
        /// The pairs.
        package var pairs: [(key: YAMLNode, value: YAMLNode)]
        /// Where the mapping starts.
        package var mark: YAMLMark

        package init(_ pairs: [(key: YAMLNode, value: YAMLNode)], mark: YAMLMark) {
            self.pairs = pairs
            self.mark = mark
        }

        package var startIndex: Int { pairs.startIndex }
        package var endIndex: Int { pairs.endIndex }
        package subscript(position: Int) -> (key: YAMLNode, value: YAMLNode) { pairs[position] }

        /// The value of the first pair whose key is the scalar `key`.
        package subscript(key: String) -> YAMLNode? {
            pairs.first { $0.key.string == key }?.value
        }
    }

    /// A YAML list.
    package struct Sequence: Sendable, RandomAccessCollection {
        /// The items.
        package var items: [YAMLNode]
        /// Where the list starts.
        package var mark: YAMLMark

        package init(_ items: [YAMLNode], mark: YAMLMark) {
            self.items = items
            self.mark = mark
        }

        package var startIndex: Int { items.startIndex }
        package var endIndex: Int { items.endIndex }
        package subscript(position: Int) -> YAMLNode { items[position] }
    }
}
