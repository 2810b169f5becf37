/// One Apache httpd directive, or a `<Section>` with the directives inside it.
///
/// Apache directive and section names are case-insensitive: compare ``key`` (lower-cased), print
/// ``name`` (as written).
package struct ApacheDirective: Sendable, Hashable, CustomStringConvertible {
    /// One argument of a directive.
    package struct Argument: Sendable, Hashable, CustomStringConvertible {
        /// The value, unquoted and unescaped as httpd does (`\\` and, inside quotes, `\"` / `\'`).
        package var value: String
        /// `true` when the argument was quoted.
        package var quoted: Bool

        /// Creates an argument.
        package init(_ value: String, quoted: Bool = false) {
            self.value = value
            self.quoted = quoted
        }

        /// The argument as it could be written back.
        package var description: String { quoted ? "\"\(value)\"" : value }
    }

    /// The name as written, without `<` for a section (`VirtualHost`, `ProxyPass`).
    package var name: String
    /// The arguments (for a section, the words between its name and `>`).
    package var arguments: [Argument]
    /// Where the directive (or the section's `<`) starts.
    package var location: SourceLocation
    /// The directives inside a section; `nil` for a plain directive.
    package var children: [ApacheDirective]?

    /// Creates a directive.
    package init(
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
    package var key: String { name.lowercased() }

    /// `true` for a `<Section>`.
    package var isSection: Bool { children != nil }

    /// The argument values.
    package var values: [String] { arguments.map(\.value) }

    /// `Name arg...` or `<Name arg...> (N directives)`.
    package var description: String {
        let head = ([name] + arguments.map(\.description)).joined(separator: " ")
        guard let children else { return head }
        return "<\(head)> (\(children.count) directive\(children.count == 1 ? "" : "s"))"
    }
}
