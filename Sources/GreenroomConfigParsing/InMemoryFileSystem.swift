/// A file system held in memory: a dictionary from absolute paths to contents.
///
/// Used by tests, by the fuzzing harness and to re-read the files of an `nginx -T` dump
/// (``NginxDump``). Directories exist implicitly as the parents of files.
package struct InMemoryFileSystem: ConfigFileSystem {
    /// The files, keyed by normalised absolute path.
    package private(set) var files: [String: [UInt8]]

    /// Creates a file system from paths and contents; paths are normalised.
    package init(files: [String: [UInt8]] = [:]) {
        var normalized: [String: [UInt8]] = [:]
        for (path, contents) in files { normalized[ConfigPath.normalize(path)] = contents }
        self.files = normalized
    }

    /// Creates a file system from paths and UTF-8 text.
    package init(texts: [String: String]) {
        self.init(files: texts.mapValues { Array($0.utf8) })
    }

    /// Adds or replaces a file.
    package mutating func write(_ contents: [UInt8], to path: String) {
        files[ConfigPath.normalize(path)] = contents
    }

    package func contents(ofFile path: String, limit: Int) throws(ConfigParseError) -> [UInt8] {
        let key = ConfigPath.normalize(path)
        guard let contents = files[key] else {
            if kind(ofPath: key) == .directory {
                throw ConfigParseError(.isDirectory, "'\(path)' is a directory, not a file")
            }
            throw ConfigParseError(.fileNotFound, "'\(path)' does not exist")
        }
        if contents.count > limit {
            throw ConfigParseError(
                .fileTooLarge,
                "'\(path)' is \(contents.count) bytes, more than the \(limit) accepted"
            )
        }
        return contents
    }

    package func kind(ofPath path: String) -> ConfigFileKind? {
        let key = ConfigPath.normalize(path)
        if files[key] != nil { return .file }
        let prefix = key == "/" ? "/" : key + "/"
        return files.keys.contains { $0.hasPrefix(prefix) } ? .directory : nil
    }

    package func glob(_ pattern: String) throws(ConfigParseError) -> [String] {
        let normalized = ConfigPath.normalize(pattern)
        let components = normalized.split(separator: "/", omittingEmptySubsequences: true)
        var candidates = [ConfigPath.isAbsolute(normalized) ? "" : "."]
        for (index, component) in components.enumerated() {
            let isLast = index == components.count - 1
            var next: [String] = []
            for base in candidates {
                if !ConfigPath.hasGlobCharacters(String(component)) {
                    next.append(base + "/" + component)
                    continue
                }
                let glob = GlobPattern(component)
                for child in children(of: base.isEmpty ? "/" : base) where glob.matches(child) {
                    next.append(base + "/" + child)
                }
            }
            candidates = next.filter { isLast ? kind(ofPath: $0) != nil : kind(ofPath: $0) == .directory }
        }
        return candidates.map { $0.hasPrefix("./") ? String($0.dropFirst(2)) : $0 }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    package func canonicalPath(_ path: String) -> String { ConfigPath.normalize(path) }

    /// The names directly inside `directory`.
    private func children(of directory: String) -> [String] {
        let normalized = ConfigPath.normalize(directory)
        let prefix = normalized == "/" ? "/" : normalized == "." ? "" : normalized + "/"
        var names = Set<String>()
        for key in files.keys where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            if let name = rest.split(separator: "/", omittingEmptySubsequences: true).first {
                names.insert(String(name))
            }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
