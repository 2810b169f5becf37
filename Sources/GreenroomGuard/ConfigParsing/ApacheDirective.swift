import GreenroomCore

/// One Apache httpd directive, or a `<Section>` with the directives inside it.
///
/// Apache directive and section names are case-insensitive: compare ``key`` (lower-cased), print
/// ``name`` (as written).
public struct ApacheDirective: Sendable, Hashable, CustomStringConvertible {
    /// One argument of a directive.
    public struct Argument: Sendable, Hashable, CustomStringConvertible {
        /// The value, unquoted and unescaped as httpd does (`\\` and, inside quotes, `\"` / `\'`).
        public var value: String
        /// `true` when the argument was quoted.
        public var quoted: Bool

        /// Creates an argument.
        public init(_ value: String, quoted: Bool = false) {
            self.value = value
            self.quoted = quoted
        }

        /// The argument as it could be written back.
        public var description: String { quoted ? "\"\(value)\"" : value }
    }

    /// The name as written, without `<` for a section (`VirtualHost`, `ProxyPass`).
    public var name: String
    /// The arguments (for a section, the words between its name and `>`).
    public var arguments: [Argument]
    /// Where the directive (or the section's `<`) starts.
    public var location: SourceLocation
    /// The directives inside a section; `nil` for a plain directive.
    public var children: [ApacheDirective]?

    /// Creates a directive.
    public init(
        name: String,
        arguments: [Argument] = [],
        location: SourceLocation,
        children: [ApacheDirective]? = nil
    ) {
        self.name = name
        self.arguments = arguments
        self.location = location
        self.children = children
    }

    /// The lower-cased name, for comparisons.
    public var key: String { name.lowercased() }

    /// `true` for a `<Section>`.
    public var isSection: Bool { children != nil }

    /// The argument values.
    public var values: [String] { arguments.map(\.value) }

    /// `Name arg...` or `<Name arg...> (N directives)`.
    public var description: String {
        let head = ([name] + arguments.map(\.description)).joined(separator: " ")
        guard let children else { return head }
        return "<\(head)> (\(children.count) directive\(children.count == 1 ? "" : "s"))"
    }
}
