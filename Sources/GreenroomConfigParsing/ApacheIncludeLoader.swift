/// Reads a main file and its includes for ``ApacheConfig``: resolution, loop detection, limits.
struct ApacheIncludeLoader<FileSystem: ConfigFileSystem> {
    let fileSystem: FileSystem
    var serverRoot: String
    var defines: [String: String]
    let limits: NginxConfig.Limits
    var includes: [ApacheConfig.Include] = []
    /// Bytes produced by `${NAME}` substitution so far, bounded by `limits.maximumTotalBytes`.
    var expandedBytes = 0
    var reader: IncludeReader<FileSystem, ApacheDirective>
    /// Every file read, in the order first read.
    var files: [String] { reader.files }

    init(fileSystem: FileSystem, serverRoot: String, defines: [String: String], limits: NginxConfig.Limits) {
        self.fileSystem = fileSystem
        self.serverRoot = serverRoot
        self.defines = defines
        self.limits = limits
        self.reader = IncludeReader(fileSystem: fileSystem, limits: limits, directiveName: "Include")
    }

    mutating func loadFile(
        _ path: String,
        from include: SourceLocation?,
        depth: Int
    )
        throws(ConfigParseError) -> [ApacheDirective]
    {
        let directives = try reader.enter(path, from: include, parse: ApacheParser.parse)
        defer { reader.leave() }
        return try expand(directives, depth: depth)
    }

    mutating func expand(_ directives: [ApacheDirective], depth: Int) throws(ConfigParseError) -> [ApacheDirective] {
        var result: [ApacheDirective] = []
        result.reserveCapacity(directives.count)
        for var directive in directives {
            for index in directive.arguments.indices where directive.arguments[index].value.contains("${") {
                let value = try substitute(directive.arguments[index].value, at: directive.location)
                directive.arguments[index] = .init(value, quoted: directive.arguments[index].quoted)
            }
            switch directive.key {
            case "include", "includeoptional":
                result += try include(directive, optional: directive.key == "includeoptional", depth: depth)
                continue
            case "serverroot":
                if let root = directive.arguments.first?.value { serverRoot = root }
            case "define":
                if let name = directive.arguments.first?.value {
                    defines[name] = directive.arguments.count > 1 ? directive.arguments[1].value : ""
                }
            case "undefine":
                if let name = directive.arguments.first?.value { defines[name] = nil }
            default:
                break
            }
            if let children = directive.children {
                guard depth < limits.maximumDepth else {
                    throw ConfigParseError(
                        .nestingTooDeep,
                        "sections and includes nested more than \(limits.maximumDepth) deep",
                        at: directive.location
                    )
                }
                directive.children = try expand(children, depth: depth + 1)
            }
            result.append(directive)
        }
        return result
    }

    mutating func include(
        _ directive: ApacheDirective,
        optional: Bool,
        depth: Int
    )
        throws(ConfigParseError) -> [ApacheDirective]
    {
        guard directive.arguments.count == 1 else {
            throw ConfigParseError(
                .invalidInclude,
                "\(directive.name) takes exactly one argument, got \(directive.arguments.count)",
                at: directive.location
            )
        }
        guard depth < limits.maximumDepth else {
            throw ConfigParseError(
                .nestingTooDeep,
                "sections and includes nested more than \(limits.maximumDepth) deep",
                at: directive.location
            )
        }
        let pattern = directive.arguments[0].value
        let path = ConfigPath.resolve(pattern, against: serverRoot)
        let targets: [String]
        do {
            targets = try expandPath(path, optional: optional, directive: directive)
        } catch {
            throw ConfigParseError(error.code, "\(directive.name): \(error.message)", at: directive.location)
        }
        includes.append(ApacheConfig.Include(location: directive.location, pattern: pattern, files: targets))
        var result: [ApacheDirective] = []
        for target in targets {
            result += try loadFile(target, from: directive.location, depth: depth + 1)
        }
        return result
    }

    /// The files a path names: a glob's matches, a directory's files (recursively), or itself.
    func expandPath(_ path: String, optional: Bool, directive: ApacheDirective) throws(ConfigParseError) -> [String] {
        var candidates = [path]
        if ConfigPath.hasGlobCharacters(path) {
            candidates = try fileSystem.glob(path)
            if candidates.isEmpty && !optional {
                throw ConfigParseError(
                    .invalidInclude,
                    "no matches for the wildcard '\(path)' (use IncludeOptional if none is fine)"
                )
            }
        } else if fileSystem.kind(ofPath: path) == nil {
            if optional { return [] }
            throw ConfigParseError(.fileNotFound, "'\(path)' does not exist")
        }
        var files: [String] = []
        var pending = candidates.reversed() as [String]
        var visited = 0
        while let next = pending.popLast() {
            visited += 1
            if visited > limits.maximumInclusions {
                throw ConfigParseError(
                    .includeLimitExceeded,
                    "'\(path)' names more than \(limits.maximumInclusions) files"
                )
            }
            if fileSystem.kind(ofPath: next) == .directory {
                let inside = try fileSystem.glob(ConfigPath.resolve("*", against: next))
                pending.append(contentsOf: inside.reversed())
            } else {
                files.append(next)
            }
        }
        return files
    }

    /// Replaces `${NAME}` with defined values; unknown names stay as written (httpd warns).
    ///
    /// The result is bounded by `limits.maximumExpandedArgument`, and every substituted byte
    /// counts towards `limits.maximumTotalBytes`, checked before the bytes are appended.
    mutating func substitute(_ text: String, at location: SourceLocation) throws(ConfigParseError) -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "${") {
            out += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = String(afterOpen[..<close])
            if let value = defines[name] {
                let added = value.utf8.count
                guard out.utf8.count + added <= limits.maximumExpandedArgument else {
                    throw ConfigParseError(
                        .expansionTooLarge,
                        "'${\(name)}' makes an argument longer than \(limits.maximumExpandedArgument) bytes",
                        at: location
                    )
                }
                guard expandedBytes + added <= limits.maximumTotalBytes else {
                    throw ConfigParseError(
                        .expansionTooLarge,
                        "'${\(name)}' substitutions exceed \(limits.maximumTotalBytes) bytes in total",
                        at: location
                    )
                }
                expandedBytes += added
                out += value
            } else {
                out += "${\(name)}"
            }
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        return out + rest
    }
}
