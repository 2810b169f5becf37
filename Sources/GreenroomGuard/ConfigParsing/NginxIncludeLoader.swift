/// Reads a main file and its includes for ``NginxConfig``: resolution, loop detection, limits.
struct NginxIncludeLoader<FileSystem: ConfigFileSystem> {
    let fileSystem: FileSystem
    let confPrefix: String
    let limits: NginxConfig.Limits
    var files: [String] = []
    var seen = Set<String>()
    var includes: [NginxConfig.Include] = []
    var parsed: [String: (directives: [NginxDirective], size: Int)] = [:]
    /// The canonical paths of the files being read, outermost first, and where each was included.
    var active: [(path: String, includedAt: SourceLocation?)] = []
    var totalBytes = 0
    var inclusions = 0

    init(fileSystem: FileSystem, confPrefix: String, limits: NginxConfig.Limits) {
        self.fileSystem = fileSystem
        self.confPrefix = confPrefix
        self.limits = limits
    }

    mutating func loadFile(
        _ path: String,
        from include: SourceLocation?,
        depth: Int
    )
        throws(ConfigParseError) -> [NginxDirective]
    {
        let canonical = fileSystem.canonicalPath(path)
        if let loopStart = active.firstIndex(where: { $0.path == canonical }), let include {
            let chain = active[(loopStart + 1)...].compactMap { $0.includedAt?.description } + [include.description]
            throw ConfigParseError(
                .includeLoop,
                "include loop: '\(path)' includes itself (via \(chain.joined(separator: " -> ")))",
                at: include
            )
        }
        inclusions += 1
        if inclusions > limits.maximumInclusions {
            throw ConfigParseError(
                .includeLimitExceeded,
                "includes read more than \(limits.maximumInclusions) files",
                at: include
            )
        }
        let directives: [NginxDirective]
        if let cached = parsed[canonical] {
            directives = cached.directives
            totalBytes += cached.size
            if totalBytes > limits.maximumTotalBytes {
                throw ConfigParseError(
                    .includeLimitExceeded,
                    "includes expand to more than \(limits.maximumTotalBytes) bytes",
                    at: include
                )
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
                    .includeLimitExceeded,
                    "includes expand to more than \(limits.maximumTotalBytes) bytes",
                    at: include
                )
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
                        .nestingTooDeep,
                        "blocks and includes nested more than \(limits.maximumDepth) deep",
                        at: directive.location
                    )
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
                .invalidInclude,
                "\"include\" takes exactly one argument, got \(directive.arguments.count)",
                at: directive.location
            )
        }
        guard depth < limits.maximumDepth else {
            throw ConfigParseError(
                .nestingTooDeep,
                "blocks and includes nested more than \(limits.maximumDepth) deep",
                at: directive.location
            )
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
        includes.append(NginxConfig.Include(location: directive.location, pattern: pattern, files: targets))
        var result: [NginxDirective] = []
        for target in targets {
            result += try loadFile(target, from: directive.location, depth: depth + 1)
        }
        return result
    }
}
