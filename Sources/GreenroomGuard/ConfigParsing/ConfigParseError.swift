import GreenroomCore

/// An error raised while reading or parsing an nginx or Apache configuration.
///
/// Shaped like GreenroomCore's error (a stable ``Code`` plus a human ``message``) but kept in this
/// dependency-free folder so the parsers can be compiled alone, e.g. into a fuzzing harness. Two
/// errors are equal when their codes are equal; tests compare ``location`` separately.
public struct ConfigParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable, machine-comparable value.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name, e.g. `unexpectedToken`.
        public let name: String

        /// Creates a code. Prefer the predefined static members.
        public init(_ name: String) { self.name = name }

        public var description: String { name }

        /// The file does not exist.
        public static let fileNotFound = Code("fileNotFound")
        /// The file exists but cannot be read (permissions, I/O error).
        public static let unreadable = Code("unreadable")
        /// A directory was given where a file was expected.
        public static let isDirectory = Code("isDirectory")
        /// The file is larger than the parser accepts.
        public static let fileTooLarge = Code("fileTooLarge")
        /// The file contains bytes no configuration file contains (NUL, control characters).
        public static let binaryData = Code("binaryData")
        /// A `;`, `{`, `}` or character in a place the grammar does not allow.
        public static let unexpectedToken = Code("unexpectedToken")
        /// The file ended inside a directive, a quoted string or a block.
        public static let unexpectedEndOfFile = Code("unexpectedEndOfFile")
        /// A single word (or comment) longer than nginx accepts (4096 bytes).
        public static let tooLongParameter = Code("tooLongParameter")
        /// Blocks or sections nested deeper than the parser accepts.
        public static let nestingTooDeep = Code("nestingTooDeep")
        /// A file includes itself, directly or through other files.
        public static let includeLoop = Code("includeLoop")
        /// An `include` directive that is malformed or whose target cannot be used.
        public static let invalidInclude = Code("invalidInclude")
        /// Includes expand to more files or bytes than the parser accepts.
        public static let includeLimitExceeded = Code("includeLimitExceeded")
        /// An Apache `</Section>` that does not close the open `<Section>`, a `<Section>` never
        /// closed, or a section line without its closing `>`.
        public static let mismatchedSection = Code("mismatchedSection")
    }

    /// The stable code of this error.
    public let code: Code
    /// A one-line, human explanation (without the location prefix).
    public let message: String
    /// Where the problem is, when it is inside a file.
    public let location: SourceLocation?

    /// Creates an error.
    public init(_ code: Code, _ message: String, at location: SourceLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// `file:line:column: message`, or just the message when there is no location.
    public var description: String {
        guard let location else { return message }
        return "\(location): \(message)"
    }

    public static func == (lhs: ConfigParseError, rhs: ConfigParseError) -> Bool { lhs.code == rhs.code }

    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
