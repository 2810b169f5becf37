/// What kind of entry a path names.
package enum ConfigFileKind: Sendable, Hashable {
    /// A regular file (or a symbolic link to one).
    case file
    /// A directory.
    case directory
    /// Anything else: a socket, a device, a FIFO.
    case other
}

/// The file system the configuration loaders read through.
///
/// The parsers never touch the disk themselves: ``NginxConfig`` and ``ApacheConfig`` read the main
/// file and every `include` through this protocol. GreenroomGuard supplies the real one
/// (`LocalFileSystem`); tests and the `nginx -T` dump reader use ``InMemoryFileSystem``.
package protocol ConfigFileSystem: Sendable {
    /// Reads a whole regular file.
    ///
    /// - Parameter limit: refuse files larger than this many bytes.
    /// - Throws: ``ConfigParseError`` with code `fileNotFound`, `isDirectory`, `unreadable` or
    ///   `fileTooLarge`, and no location (the caller adds the `include` that asked for it).
    func contents(ofFile path: String, limit: Int) throws(ConfigParseError) -> [UInt8]

    /// The kind of entry at `path`, or `nil` when nothing is there.
    func kind(ofPath path: String) -> ConfigFileKind?

    /// The paths matching a shell glob (`*`, `?`, `[...]`), sorted by their bytes as glob(3) does
    /// in the C locale; empty when nothing matches. A leading `.` in a name must be matched
    /// explicitly.
    func glob(_ pattern: String) throws(ConfigParseError) -> [String]

    /// The path with symbolic links, `.` and `..` resolved, used to recognise a file that includes
    /// itself under another name; the lexically normalised path when it cannot be resolved.
    func canonicalPath(_ path: String) -> String
}
