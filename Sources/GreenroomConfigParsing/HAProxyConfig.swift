/// An HAProxy configuration: one file, or every `*.cfg` file of a directory in name order (what
/// `haproxy -f DIR` loads), read into sections.
///
/// HAProxy has no include directive; several `-f` files are read one after the other as if they
/// were one, so a backend may be defined in another file than the frontend that uses it.
package struct HAProxyConfig: Sendable {
    /// The files read, in order.
    package var files: [String]
    /// Every section of every file, in order.
    package var sections: [HAProxySection]

    /// Creates a configuration from parsed sections.
    package init(files: [String], sections: [HAProxySection]) {
        self.files = files
        self.sections = sections
    }

    /// Reads `path`: a file, or a directory's `*.cfg` files in name order.
    ///
    /// - Throws: ``ConfigParseError`` when a file cannot be read, is too large or does not parse.
    package static func load(
        _ path: String,
        fileSystem: some ConfigFileSystem,
        limits: NginxConfig.Limits = .init()
    ) throws(ConfigParseError) -> HAProxyConfig {
        guard !path.isEmpty else { throw ConfigParseError(.fileNotFound, "--haproxy needs a file or directory") }
        var files = [path]
        switch fileSystem.kind(ofPath: path) {
        case nil:
            throw ConfigParseError(.fileNotFound, "'\(path)' does not exist")
        case .directory:
            let base = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            files = try fileSystem.glob("\(ConfigPath.escapeGlob(base))/*.cfg")
                .filter { fileSystem.kind(ofPath: $0) == .file }
            guard !files.isEmpty else { throw ConfigParseError(.fileNotFound, "'\(path)' holds no *.cfg file") }
            guard files.count <= limits.maximumInclusions else {
                throw ConfigParseError(
                    .includeLimitExceeded,
                    "'\(path)' holds \(files.count) configuration files, more than the \(limits.maximumInclusions) accepted"
                )
            }
        case .file, .other:
            break
        }
        var sections: [HAProxySection] = []
        var total = 0
        for file in files {
            let bytes = try fileSystem.contents(ofFile: file, limit: limits.maximumFileSize)
            total += bytes.count
            guard total <= limits.maximumTotalBytes else {
                throw ConfigParseError(
                    .includeLimitExceeded,
                    "the configuration files hold more than the \(limits.maximumTotalBytes) bytes accepted"
                )
            }
            sections += try HAProxyParser.parse(bytes, file: file)
        }
        return HAProxyConfig(files: files, sections: sections)
    }
}
