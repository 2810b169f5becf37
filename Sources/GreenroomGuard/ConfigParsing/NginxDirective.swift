import GreenroomCore

/// One nginx directive: a name, its arguments and, for block directives, the directives inside.
///
/// After ``NginxConfig`` has resolved includes, `include` directives are gone and the directives
/// of the included files stand in their place, each still located in its own file.
public struct NginxDirective: Sendable, Hashable, CustomStringConvertible {
    /// One argument of a directive.
    public struct Argument: Sendable, Hashable, CustomStringConvertible {
        /// The value, unquoted and unescaped as nginx does.
        public var value: String
        /// How it was quoted.
        public var quote: NginxToken.Quote
        /// Where it starts (its opening quote when quoted).
        public var location: SourceLocation

        /// Creates an argument.
        public init(_ value: String, quote: NginxToken.Quote = .none, location: SourceLocation) {
            self.value = value
            self.quote = quote
            self.location = location
        }

        /// The argument as it could be written back.
        public var description: String {
            switch quote {
            case .none: value
            case .single: "'\(value)'"
            case .double: "\"\(value)\""
            }
        }
    }

    /// The directive's name as written (nginx names are case-sensitive).
    public var name: String
    /// The arguments after the name.
    public var arguments: [Argument]
    /// Where the name starts.
    public var location: SourceLocation
    /// The directives inside `{ }` for a block directive, `nil` for a simple one.
    public var block: [NginxDirective]?

    /// Creates a directive.
    public init(name: String, arguments: [Argument] = [], location: SourceLocation, block: [NginxDirective]? = nil) {
        self.name = name
        self.arguments = arguments
        self.location = location
        self.block = block
    }

    /// The argument values.
    public var values: [String] { arguments.map(\.value) }

    /// The first argument's value, or `""`.
    public var firstValue: String { arguments.first?.value ?? "" }

    /// The directives of the block named `name` directly inside this one.
    public func children(named name: String) -> [NginxDirective] {
        (block ?? []).filter { $0.name == name }
    }

    /// `name arg...;` or `name arg... { N directives }`.
    public var description: String {
        let head = ([name] + arguments.map(\.description)).joined(separator: " ")
        guard let block else { return head + ";" }
        return head + " { \(block.count) directive\(block.count == 1 ? "" : "s") }"
    }
}
