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
        let list = ConfigFileList(
            fileBytes: limits.maximumFileSize,
            totalBytes: limits.maximumTotalBytes,
            maximumFiles: limits.maximumInclusions,
            noun: "configuration"
        )
        var files: [String] = []
        var sections: [HAProxySection] = []
        for (file, bytes) in try list.read(path, extensions: ["cfg"], fileSystem: fileSystem) {
            files.append(file)
            sections += try HAProxyParser.parse(bytes, file: file)
        }
        return HAProxyConfig(files: files, sections: sections)
    }
}
