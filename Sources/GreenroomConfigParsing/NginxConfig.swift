/// A whole nginx configuration: the main file with every `include` resolved.
///
/// Includes are resolved as nginx resolves them (`ngx_conf_include()`): a relative path is
/// relative to the *conf prefix*, the directory of the main configuration file (not of the file
/// holding the `include`); a path with `*`, `?` or `[` is a glob whose matches are read in sorted
/// order and may be none; any other path must exist. The directives of an included file replace
/// the `include` directive, in its block. A file that includes itself, directly or through others,
/// is an error (nginx would recurse until it runs out of file descriptors).
package struct NginxConfig: Sendable {
    /// Limits that keep hostile or accidental input from exhausting memory or time.
    package struct Limits: Sendable, Hashable {
        /// The largest single file read, in bytes. Default 16 MiB.
        package var maximumFileSize: Int
        /// The most bytes read in total, counting a file again each time it is included.
        /// Default 64 MiB.
        package var maximumTotalBytes: Int
        /// The most file inclusions in total. Default 10 000.
        package var maximumInclusions: Int
        /// The deepest nesting of blocks and includes together. Default 100.
        package var maximumDepth: Int
        /// The longest argument after Apache `${NAME}` substitution, in bytes. Default 1 MiB.
        /// Expanded bytes also count against ``maximumTotalBytes``, so `Define X ${X}${X}` on
        /// every line stops with a located error instead of doubling memory per line.
        package var maximumExpandedArgument: Int

        /// Creates limits; the defaults suit any real configuration.
        package init(
            maximumFileSize: Int = 16 << 20,
            maximumTotalBytes: Int = 64 << 20,
            maximumInclusions: Int = 10_000,
            maximumDepth: Int = 100,
            maximumExpandedArgument: Int = 1 << 20
        ) {
            self.maximumFileSize = maximumFileSize
            self.maximumTotalBytes = maximumTotalBytes
            self.maximumInclusions = maximumInclusions
            self.maximumDepth = maximumDepth
            self.maximumExpandedArgument = maximumExpandedArgument
        }
    }

    /// One resolved `include` directive.
    package struct Include: Sendable, Hashable {
        /// Where the `include` directive is.
        package var location: SourceLocation
        /// Its argument, as written.
        package var pattern: String
        /// The files it read, in order (none for a glob that matched nothing).
        package var files: [String]
    }

    /// The main file, as given.
    package let mainFile: String
    /// The directory relative includes are resolved against.
    package let confPrefix: String
    /// Every file read, main file first, in the order nginx reads (and `nginx -T` prints) them;
    /// each file once.
    package let files: [String]
    /// Every `include` directive met, in order.
    package let includes: [Include]
    /// The top-level directives, with includes resolved.
    package let directives: [NginxDirective]

    /// Loads `mainFile` and everything it includes.
    ///
    /// - Parameters:
    ///   - confPrefix: the directory relative includes resolve against; by default the main file's
    ///     directory, or its parent when the parent holds `nginx.conf` and the main file's
    ///     directory does not (a site file such as `/etc/nginx/sites-enabled/app`).
    /// - Throws: ``ConfigParseError``, located at the offending byte or `include` directive.
    package static func load(
        _ mainFile: String,
        fileSystem: some ConfigFileSystem,
        confPrefix: String? = nil,
        limits: Limits = .init()
    ) throws(ConfigParseError) -> NginxConfig {
        let prefix = confPrefix ?? defaultConfPrefix(for: mainFile, fileSystem: fileSystem)
        var loader = NginxIncludeLoader(fileSystem: fileSystem, confPrefix: prefix, limits: limits)
        let directives = try loader.loadFile(mainFile, from: nil, depth: 0)
        return NginxConfig(
            mainFile: mainFile,
            confPrefix: prefix,
            files: loader.files,
            includes: loader.includes,
            directives: directives
        )
    }

    /// The conf prefix nginx would use if `mainFile` were its `-c` file, adjusted for site files.
    package static func defaultConfPrefix(for mainFile: String, fileSystem: some ConfigFileSystem) -> String {
        let directory = ConfigPath.directory(of: mainFile)
        if ConfigPath.lastComponent(of: mainFile) == "nginx.conf" { return directory }
        if fileSystem.kind(ofPath: ConfigPath.resolve("nginx.conf", against: directory)) == .file { return directory }
        let parent = ConfigPath.directory(of: fileSystem.canonicalPath(directory))
        if fileSystem.kind(ofPath: ConfigPath.resolve("nginx.conf", against: parent)) == .file { return parent }
        return directory
    }

    /// Every directive of the tree, depth first, with the chain of blocks around it.
    package func forEachDirective(_ body: (_ directive: NginxDirective, _ parents: [NginxDirective]) -> Void) {
        var stack: [(directives: [NginxDirective], index: Int, parent: NginxDirective?)] = [(directives, 0, nil)]
        var parents: [NginxDirective] = []
        while !stack.isEmpty {
            let top = stack.count - 1
            if stack[top].index >= stack[top].directives.count {
                if stack.removeLast().parent != nil { parents.removeLast() }
                continue
            }
            let directive = stack[top].directives[stack[top].index]
            stack[top].index += 1
            body(directive, parents)
            if let block = directive.block {
                parents.append(directive)
                stack.append((block, 0, directive))
            }
        }
    }
}
