/// A place in a spec file: `greenroom.yml:12:5`.
///
/// Lines and columns count from 1, columns in Unicode scalars (as libyaml reports them).
public struct FileLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file as the user named it (not resolved), so messages echo what they typed.
    public var file: String
    /// The line, from 1.
    public var line: Int
    /// The column, from 1.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the form editors and CI annotations understand.
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: FileLocation, rhs: FileLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

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
    public var values: [String: FileLocation]
    /// The location of each written key (where `port:` is), for unknown-key style messages.
    public var keys: [String: FileLocation]

    /// An empty table for `file`.
    public init(file: String, values: [String: FileLocation] = [:], keys: [String: FileLocation] = [:]) {
        self.file = file
        self.values = values
        self.keys = keys
    }

    /// `true` when the user wrote `path` (rather than relying on its default).
    public func isWritten(_ path: String) -> Bool { values[path] != nil }

    /// The location of `path`'s value, or of its nearest written parent, or `file:1:1`.
    public subscript(_ path: String) -> FileLocation {
        var current = Substring(path)
        while !current.isEmpty {
            if let location = values[String(current)] { return location }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            current = current[..<cut]
        }
        return FileLocation(file: file, line: 1, column: 1)
    }

    /// The location of `path`'s key, falling back to its value's location.
    public func key(_ path: String) -> FileLocation { keys[path] ?? self[path] }
}
