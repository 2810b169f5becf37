/// One nginx directive: a name, its arguments and, for block directives, the directives inside.
///
/// After ``NginxConfig`` has resolved includes, `include` directives are gone and the directives
/// of the included files stand in their place, each still located in its own file.
package struct NginxDirective: Sendable, Hashable, CustomStringConvertible {
    /// One argument of a directive.
    package struct Argument: Sendable, Hashable, CustomStringConvertible {
        /// The value, unquoted and unescaped as nginx does.
        package var value: String
        /// How it was quoted.
        package var quote: NginxToken.Quote
        /// Where it starts (its opening quote when quoted).
        package var location: SourceLocation

        /// Creates an argument.
        package init(_ value: String, quote: NginxToken.Quote = .none, location: SourceLocation) {
            self.value = value
            self.quote = quote
            self.location = location
        }

        /// The argument as it could be written back.
        package var description: String {
            switch quote {
            case .none: value
            case .single: "'\(value)'"
            case .double: "\"\(value)\""
            }
        }
    }

    /// The directive's name as written (nginx names are case-sensitive).
    package var name: String
    /// The arguments after the name.
    package var arguments: [Argument]
    /// Where the name starts.
    package var location: SourceLocation
    /// The directives inside `{ }` for a block directive, `nil` for a simple one.
    package var block: [NginxDirective]?
    /// For a simple directive read from a file, the place just after its `;`, in the file of
    /// ``location`` (so the directive's text is ``location`` up to here, exclusive): what a fix
    /// that replaces it replaces. `nil` when the line holds a byte that is not ASCII before the
    /// `;` (columns count bytes, and an editor's columns would differ). Two integers, not a ``SourceLocation``: directives are copied a
    /// lot, and a second file name would be one more reference to count on every copy.
    package var end: Position?

    /// A line and column in the directive's own file.
    package struct Position: Sendable, Hashable {
        /// The line, from 1.
        package var line: Int
        /// The column (bytes), from 1.
        package var column: Int

        /// Creates a position.
        package init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    /// Creates a directive.
    package init(
        name: String,
        arguments: [Argument] = [],
        location: SourceLocation,
        block: [NginxDirective]? = nil,
        end: Position? = nil
    ) {
        self.name = name
        self.arguments = arguments
        self.location = location
        self.block = block
        self.end = end
    }

    /// The argument values.
    package var values: [String] { arguments.map(\.value) }

    /// The first argument's value, or `""`.
    package var firstValue: String { arguments.first?.value ?? "" }

    /// The directives of the block named `name` directly inside this one.
    package func children(named name: String) -> [NginxDirective] {
        (block ?? []).filter { $0.name == name }
    }

    /// `name arg...;` or `name arg... { N directives }`.
    package var description: String {
        let head = ([name] + arguments.map(\.description)).joined(separator: " ")
        guard let block else { return head + ";" }
        return head + " { \(block.count) directive\(block.count == 1 ? "" : "s") }"
    }
}
