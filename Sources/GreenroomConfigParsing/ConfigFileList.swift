/// What `--haproxy DIR|FILE` and `--kubernetes DIR|FILE` name: the file itself, or the regular
/// files of a directory with the given extensions, in name order (what `haproxy -f DIR` and
/// `kubectl apply -f DIR` read), each read whole, bounded per file, in number and in total.
package struct ConfigFileList: Sendable {
    /// The largest single file.
    package var fileBytes: Int
    /// The most bytes of all files together.
    package var totalBytes: Int
    /// The most files a directory may hold.
    package var maximumFiles: Int
    /// The files' name in messages: `manifest` (`... 3 manifest files, more than ...`).
    package var noun: String

    /// Creates a list reader.
    package init(fileBytes: Int, totalBytes: Int, maximumFiles: Int, noun: String) {
        self.fileBytes = fileBytes
        self.totalBytes = totalBytes
        self.maximumFiles = maximumFiles
        self.noun = noun
    }

    /// The files `path` names: itself, or its directory's `*.EXT` files in name order.
    ///
    /// - Throws: ``ConfigParseError`` for a directory with none or too many of them.
    package func paths(
        _ path: String,
        extensions: [String],
        fileSystem: some ConfigFileSystem
    ) throws(ConfigParseError) -> [String] {
        guard fileSystem.kind(ofPath: path) == .directory else { return [path] }
        let base = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        var paths: [String] = []
        for suffix in extensions { paths += try fileSystem.glob("\(ConfigPath.escapeGlob(base))/*.\(suffix)") }
        paths = paths.filter { fileSystem.kind(ofPath: $0) == .file }.sorted {
            $0.utf8.lexicographicallyPrecedes($1.utf8)
        }
        guard !paths.isEmpty else {
            let patterns = extensions.map { "*.\($0)" }.joined(separator: " or ")
            throw ConfigParseError(.fileNotFound, "'\(path)' holds no \(patterns) file")
        }
        guard paths.count <= maximumFiles else {
            throw ConfigParseError(
                .includeLimitExceeded,
                "'\(path)' holds \(paths.count) \(noun) files, more than the \(maximumFiles) accepted"
            )
        }
        return paths
    }

    /// Reads every file of ``paths(_:extensions:fileSystem:)``, in order.
    ///
    /// - Throws: ``ConfigParseError`` for a file that cannot be read or is too large, or when
    ///   all together hold more than ``totalBytes``.
    package func read(
        _ path: String,
        extensions: [String],
        fileSystem: some ConfigFileSystem
    ) throws(ConfigParseError) -> [(file: String, bytes: [UInt8])] {
        var files: [(file: String, bytes: [UInt8])] = []
        var total = 0
        for file in try paths(path, extensions: extensions, fileSystem: fileSystem) {
            let bytes = try fileSystem.contents(ofFile: file, limit: fileBytes)
            total += bytes.count
            guard total <= totalBytes else {
                throw ConfigParseError(
                    .fileTooLarge,
                    "'\(path)' holds more than the \(totalBytes) bytes of \(noun)s accepted"
                )
            }
            files.append((file, bytes))
        }
        return files
    }
}
