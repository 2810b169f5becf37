/// An error raised while reading or parsing an nginx or Apache configuration.
///
/// Shaped like GreenroomCore's error (a stable ``Code`` plus a human ``message``) but kept in this
/// dependency-free folder so the parsers can be compiled alone, e.g. into a fuzzing harness. Two
/// errors are equal when their codes are equal; tests compare ``location`` separately.
package struct ConfigParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable, machine-comparable value.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name, e.g. `unexpectedToken`.
        package let name: String

        /// Creates a code. Prefer the predefined static members.
        package init(_ name: String) { self.name = name }

        package var description: String { name }

        /// The file does not exist.
        package static let fileNotFound = Code("fileNotFound")
        /// The file exists but cannot be read (permissions, I/O error).
        package static let unreadable = Code("unreadable")
        /// A directory was given where a file was expected.
        package static let isDirectory = Code("isDirectory")
        /// The file is larger than the parser accepts.
        package static let fileTooLarge = Code("fileTooLarge")
        /// The file contains bytes no configuration file contains (NUL, control characters).
        package static let binaryData = Code("binaryData")
        /// A `;`, `{`, `}` or character in a place the grammar does not allow.
        package static let unexpectedToken = Code("unexpectedToken")
        /// The file ended inside a directive, a quoted string or a block.
        package static let unexpectedEndOfFile = Code("unexpectedEndOfFile")
        /// A single word (or comment) longer than nginx accepts (4096 bytes).
        package static let tooLongParameter = Code("tooLongParameter")
        /// Blocks or sections nested deeper than the parser accepts.
        package static let nestingTooDeep = Code("nestingTooDeep")
        /// A file includes itself, directly or through other files.
        package static let includeLoop = Code("includeLoop")
        /// An `include` directive that is malformed or whose target cannot be used.
        package static let invalidInclude = Code("invalidInclude")
        /// Includes expand to more files or bytes than the parser accepts.
        package static let includeLimitExceeded = Code("includeLimitExceeded")
        /// An Apache `</Section>` that does not close the open `<Section>`, a `<Section>` never
        /// closed, or a section line without its closing `>`.
        package static let mismatchedSection = Code("mismatchedSection")
        /// Apache `${NAME}` substitution made an argument, or all arguments together, larger
        /// than the parser accepts (e.g. `Define X ${X}${X}` repeated).
        package static let expansionTooLarge = Code("expansionTooLarge")
    }

    /// The stable code of this error.
    package let code: Code
    /// A one-line, human explanation (without the location prefix).
    package let message: String
    /// Where the problem is, when it is inside a file.
    package let location: SourceLocation?

    /// Creates an error.
    package init(_ code: Code, _ message: String, at location: SourceLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// `file:line:column: message`, or just the message when there is no location.
    package var description: String {
        guard let location else { return message }
        return "\(location): \(message)"
    }

    package static func == (lhs: ConfigParseError, rhs: ConfigParseError) -> Bool { lhs.code == rhs.code }

    package func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
