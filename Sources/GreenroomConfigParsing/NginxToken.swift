/// One token of the nginx configuration grammar: a word, `;`, `{` or `}`.
package struct NginxToken: Sendable, Hashable, CustomStringConvertible {
    /// The token's role in the grammar.
    package enum Kind: Sendable, Hashable {
        /// A directive name or argument.
        case word
        /// `;`, the end of a simple directive.
        case semicolon
        /// `{`, the start of a block.
        case blockStart
        /// `}`, the end of a block.
        case blockEnd
    }

    /// How a word was quoted in the file.
    package enum Quote: Sendable, Hashable {
        /// Not quoted.
        case none
        /// In `'single quotes'`.
        case single
        /// In `"double quotes"`.
        case double
    }

    /// The token's role.
    package var kind: Kind
    /// For a word, its value with quotes removed and nginx's escapes applied (`\"`, `\'`, `\\`,
    /// `\t`, `\r`, `\n`; any other `\x` stays as written); `;`, `{` or `}` otherwise.
    package var value: String
    /// How the word was quoted; `.none` for punctuation.
    package var quote: Quote
    /// The 1-based line of the token's first byte (the opening quote for a quoted word).
    package var line: Int
    /// The 1-based column (in bytes) of the token's first byte.
    package var column: Int

    /// Creates a token.
    package init(_ kind: Kind, _ value: String, quote: Quote = .none, line: Int, column: Int) {
        self.kind = kind
        self.value = value
        self.quote = quote
        self.line = line
        self.column = column
    }

    /// The token as it could be written back (quoted words in double quotes).
    package var description: String {
        switch quote {
        case .none: value
        case .single: "'\(value)'"
        case .double: "\"\(value)\""
        }
    }
}
