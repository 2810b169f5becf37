/// A place in a file: path, 1-based line and 1-based column: `greenroom.yml:12:5`.
///
/// Every directive the nginx and Apache parsers produce carries one, and every value of a
/// deployment spec, so that findings and errors point at `file:line:column` like a compiler does.
/// Proxy configuration columns count bytes (a tab is one column); spec columns count Unicode
/// scalars, as libyaml reports them.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file's path as it was opened or named (absolute when a parser resolved it).
    public var file: String
    /// The 1-based line number.
    public var line: Int
    /// The 1-based column.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }

    /// `line N` when `other` is in the same file, `file:N` otherwise: for messages that point
    /// from one directive to another.
    public func reference(from other: SourceLocation) -> String {
        file == other.file ? "line \(line)" : "\(file):\(line)"
    }

    /// Orders by file, then line, then column.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}
