/// A place in a configuration file: path, 1-based line and 1-based column (in bytes).
///
/// Every directive the nginx and Apache parsers produce carries one, so that findings and parse
/// errors can point at `file:line:column` like a compiler does.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file's path as it was opened (absolute when the parser resolved it).
    public var file: String
    /// The 1-based line number.
    public var line: Int
    /// The 1-based column, counted in bytes (a tab is one column).
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
