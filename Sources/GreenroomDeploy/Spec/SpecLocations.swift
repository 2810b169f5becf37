import GreenroomConfigParsing
import GreenroomCore

/// Where each decoded value of a spec was written, by key path.
///
/// Key paths are dotted keys with list indices: `app.listen.port`, `app.trust[1]`,
/// `proxy.static_files[0].path`. A value that was not written (a default) has no entry;
/// ``subscript(_:)`` then answers with the nearest written parent, and finally the file's start,
/// so every finding can point somewhere useful.
public struct SpecLocations: Sendable, Hashable {
    /// The spec file, as named by the user.
    public var file: String
    /// The location of each written value (for a mapping or list: where it starts).
    public var values: [String: SourceLocation]
    /// The location of each written key (where `port:` is), for unknown-key style messages.
    public var keys: [String: SourceLocation]

    /// An empty table for `file`.
    public init(file: String, values: [String: SourceLocation] = [:], keys: [String: SourceLocation] = [:]) {
        self.file = file
        self.values = values
        self.keys = keys
    }

    /// `true` when the user wrote `path` (rather than relying on its default).
    public func isWritten(_ path: String) -> Bool { values[path] != nil }

    /// The location of `path`'s value, or of its nearest written parent, or `file:1:1`.
    public subscript(_ path: String) -> SourceLocation {
        var current = Substring(path)
        while !current.isEmpty {
            if let location = values[String(current)] { return location }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            current = current[..<cut]
        }
        return SourceLocation(file: file, line: 1, column: 1)
    }

    /// The location of `path`'s key, falling back to its value's location.
    public func key(_ path: String) -> SourceLocation { keys[path] ?? self[path] }
}
