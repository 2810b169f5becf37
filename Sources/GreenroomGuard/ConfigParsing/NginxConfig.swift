/// A whole nginx configuration: the main file with every `include` resolved.
///
/// Includes are resolved as nginx resolves them (`ngx_conf_include()`): a relative path is
/// relative to the *conf prefix*, the directory of the main configuration file (not of the file
/// holding the `include`); a path with `*`, `?` or `[` is a glob whose matches are read in sorted
/// order and may be none; any other path must exist. The directives of an included file replace
/// the `include` directive, in its block. A file that includes itself, directly or through others,
/// is an error (nginx would recurse until it runs out of file descriptors).
public struct NginxConfig: Sendable {
    /// Limits that keep hostile or accidental input from exhausting memory or time.
    public struct Limits: Sendable, Hashable {
        /// The largest single file read, in bytes. Default 16 MiB.
        public var maximumFileSize: Int
        /// The most bytes read in total, counting a file again each time it is included.
        /// Default 64 MiB.
        public var maximumTotalBytes: Int
        /// The most file inclusions in total. Default 10 000.
        public var maximumInclusions: Int
        /// The deepest nesting of blocks and includes together. Default 100.
        public var maximumDepth: Int

        /// Creates limits; the defaults suit any real configuration.
        public init(
            maximumFileSize: Int = 16 << 20, maximumTotalBytes: Int = 64 << 20,
            maximumInclusions: Int = 10_000, maximumDepth: Int = 100
        ) {
            self.maximumFileSize = maximumFileSize
            self.maximumTotalBytes = maximumTotalBytes
            self.maximumInclusions = maximumInclusions
            self.maximumDepth = maximumDepth
        }
    }

    /// One resolved `include` directive.
    public struct Include: Sendable, Hashable {
        /// Where the `include` directive is.
        public var location: SourceLocation
        /// Its argument, as written.
        public var pattern: String
        /// The files it read, in order (none for a glob that matched nothing).
        public var files: [String]
    }

    /// The main file, as given.
    public let mainFile: String
    /// The directory relative includes are resolved against.
    public let confPrefix: String
    /// Every file read, main file first, in the order nginx reads (and `nginx -T` prints) them;
    /// each file once.
    public let files: [String]
    /// Every `include` directive met, in order.
    public let includes: [Include]
    /// The top-level directives, with includes resolved.
    public let directives: [NginxDirective]

    /// Loads `mainFile` and everything it includes.
    ///
    /// - Parameters:
    ///   - confPrefix: the directory relative includes resolve against; by default the main file's
    ///     directory, or its parent when the parent holds `nginx.conf` and the main file's
    ///     directory does not (a site file such as `/etc/nginx/sites-enabled/app`).
    /// - Throws: ``ConfigParseError``, located at the offending byte or `include` directive.
    public static func load(
        _ mainFile: String, fileSystem: some ConfigFileSystem, confPrefix: String? = nil, limits: Limits = .init()
    ) throws(ConfigParseError) -> NginxConfig {
        let prefix = confPrefix ?? defaultConfPrefix(for: mainFile, fileSystem: fileSystem)
        var loader = Loader(fileSystem: fileSystem, confPrefix: prefix, limits: limits)
        let directives = try loader.loadFile(mainFile, from: nil, depth: 0)
        return NginxConfig(
            mainFile: mainFile, confPrefix: prefix, files: loader.files, includes: loader.includes,
            directives: directives)
    }

    /// The conf prefix nginx would use if `mainFile` were its `-c` file, adjusted for site files.
    public static func defaultConfPrefix(for mainFile: String, fileSystem: some ConfigFileSystem) -> String {
        let directory = ConfigPath.directory(of: mainFile)
        if ConfigPath.lastComponent(of: mainFile) == "nginx.conf" { return directory }
        if fileSystem.kind(ofPath: ConfigPath.resolve("nginx.conf", against: directory)) == .file { return directory }
        let parent = ConfigPath.directory(of: fileSystem.canonicalPath(directory))
        if fileSystem.kind(ofPath: ConfigPath.resolve("nginx.conf", against: parent)) == .file { return parent }
        return directory
    }

    /// Every directive of the tree, depth first, with the chain of blocks around it.
    public func forEach(_ body: (_ directive: NginxDirective, _ parents: [NginxDirective]) -> Void) {
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

    private struct Loader<FileSystem: ConfigFileSystem> {
        let fileSystem: FileSystem
        let confPrefix: String
        let limits: Limits
        var files: [String] = []
        var seen = Set<String>()
        var includes: [Include] = []
        var parsed: [String: (directives: [NginxDirective], size: Int)] = [:]
        /// The canonical paths of the files being read, outermost first, and where each was included.
        var active: [(path: String, includedAt: SourceLocation?)] = []
        var totalBytes = 0
        var inclusions = 0

        init(fileSystem: FileSystem, confPrefix: String, limits: Limits) {
            self.fileSystem = fileSystem
            self.confPrefix = confPrefix
            self.limits = limits
        }

        mutating func loadFile(_ path: String, from include: SourceLocation?, depth: Int)
            throws(ConfigParseError) -> [NginxDirective]
        {
            let canonical = fileSystem.canonicalPath(path)
            if let loopStart = active.firstIndex(where: { $0.path == canonical }), let include {
                let chain = active[(loopStart + 1)...].compactMap { $0.includedAt?.description } + [include.description]
                throw ConfigParseError(
                    .includeLoop,
                    "include loop: '\(path)' includes itself (via \(chain.joined(separator: " -> ")))",
                    at: include)
            }
            inclusions += 1
            if inclusions > limits.maximumInclusions {
                throw ConfigParseError(
                    .includeLimitExceeded, "includes read more than \(limits.maximumInclusions) files", at: include)
            }
            let directives: [NginxDirective]
            if let cached = parsed[canonical] {
                directives = cached.directives
                totalBytes += cached.size
                if totalBytes > limits.maximumTotalBytes {
                    throw ConfigParseError(
                        .includeLimitExceeded, "includes expand to more than \(limits.maximumTotalBytes) bytes",
                        at: include)
                }
            } else {
                let bytes: [UInt8]
                do {
                    bytes = try fileSystem.contents(ofFile: path, limit: limits.maximumFileSize)
                } catch {
                    guard let include else { throw error }
                    throw ConfigParseError(error.code, "include: \(error.message)", at: include)
                }
                totalBytes += bytes.count
                if totalBytes > limits.maximumTotalBytes {
                    throw ConfigParseError(
                        .includeLimitExceeded, "includes expand to more than \(limits.maximumTotalBytes) bytes",
                        at: include)
                }
                directives = try NginxParser.parse(bytes, file: path)
                parsed[canonical] = (directives, bytes.count)
            }
            if seen.insert(canonical).inserted { files.append(path) }
            active.append((canonical, include))
            defer { active.removeLast() }
            return try expand(directives, depth: depth)
        }

        mutating func expand(_ directives: [NginxDirective], depth: Int) throws(ConfigParseError) -> [NginxDirective] {
            var result: [NginxDirective] = []
            result.reserveCapacity(directives.count)
            for var directive in directives {
                if directive.name == "include" && directive.block == nil {
                    result += try include(directive, depth: depth)
                    continue
                }
                if let block = directive.block {
                    guard depth < limits.maximumDepth else {
                        throw ConfigParseError(
                            .nestingTooDeep, "blocks and includes nested more than \(limits.maximumDepth) deep",
                            at: directive.location)
                    }
                    directive.block = try expand(block, depth: depth + 1)
                }
                result.append(directive)
            }
            return result
        }

        mutating func include(_ directive: NginxDirective, depth: Int) throws(ConfigParseError) -> [NginxDirective] {
            guard directive.arguments.count == 1 else {
                throw ConfigParseError(
                    .invalidInclude, "\"include\" takes exactly one argument, got \(directive.arguments.count)",
                    at: directive.location)
            }
            guard depth < limits.maximumDepth else {
                throw ConfigParseError(
                    .nestingTooDeep, "blocks and includes nested more than \(limits.maximumDepth) deep",
                    at: directive.location)
            }
            let pattern = directive.arguments[0].value
            let path = ConfigPath.resolve(pattern, against: confPrefix)
            var targets = [path]
            if ConfigPath.hasGlobCharacters(path) {
                do {
                    targets = try fileSystem.glob(path)
                } catch {
                    throw ConfigParseError(error.code, "include: \(error.message)", at: directive.location)
                }
            }
            includes.append(Include(location: directive.location, pattern: pattern, files: targets))
            var result: [NginxDirective] = []
            for target in targets {
                result += try loadFile(target, from: directive.location, depth: depth + 1)
            }
            return result
        }
    }
}
