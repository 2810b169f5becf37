/// Reads a main file and its includes for ``NginxConfig``: resolution, loop detection, limits.
struct NginxIncludeLoader<FileSystem: ConfigFileSystem> {
    let fileSystem: FileSystem
    let confPrefix: String
    let limits: NginxConfig.Limits
    var includes: [NginxConfig.Include] = []
    var reader: IncludeReader<FileSystem, NginxDirective>
    /// Every file read, in the order first read.
    var files: [String] { reader.files }

    init(fileSystem: FileSystem, confPrefix: String, limits: NginxConfig.Limits) {
        self.fileSystem = fileSystem
        self.confPrefix = confPrefix
        self.limits = limits
        self.reader = IncludeReader(fileSystem: fileSystem, limits: limits, directiveName: "include")
    }

    mutating func loadFile(
        _ path: String,
        from include: SourceLocation?,
        depth: Int
    )
        throws(ConfigParseError) -> [NginxDirective]
    {
        let directives = try reader.enter(path, from: include, parse: NginxParser.parse)
        defer { reader.leave() }
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
