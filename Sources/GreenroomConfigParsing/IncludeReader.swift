/// The part of reading a configuration with includes that nginx and Apache share: each file read
/// once and parsed once, include loops reported with their chain, and the limits on files and
/// bytes enforced, whatever the grammar.
struct IncludeReader<FileSystem: ConfigFileSystem, Directive> {
    let fileSystem: FileSystem
    let limits: NginxConfig.Limits
    /// The include directive's name as users write it (`include`, `Include`), for messages.
    let directiveName: String
    /// Every file read, in the order first read, as named.
    private(set) var files: [String] = []
    private var seen = Set<String>()
    private var parsed: [String: (directives: [Directive], size: Int)] = [:]
    /// The canonical paths of the files being read, outermost first, and where each was included.
    private var active: [(path: String, includedAt: SourceLocation?)] = []
    private var totalBytes = 0
    private var inclusions = 0

    init(fileSystem: FileSystem, limits: NginxConfig.Limits, directiveName: String) {
        self.fileSystem = fileSystem
        self.limits = limits
        self.directiveName = directiveName
    }

    /// Reads and parses `path` (included at `include`, or the main file when `nil`) and makes it
    /// the innermost active file; the caller expands its directives, then calls ``leave()``.
    mutating func enter(
        _ path: String,
        from include: SourceLocation?,
        parse: ([UInt8], String) throws(ConfigParseError) -> [Directive]
    ) throws(ConfigParseError) -> [Directive] {
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
        let directives: [Directive]
        if let cached = parsed[canonical] {
            directives = cached.directives
            try count(cached.size, at: include)
        } else {
            let bytes: [UInt8]
            do {
                bytes = try fileSystem.contents(ofFile: path, limit: limits.maximumFileSize)
            } catch {
                guard let include else { throw error }
                throw ConfigParseError(error.code, "\(directiveName): \(error.message)", at: include)
            }
            try count(bytes.count, at: include)
            directives = try parse(bytes, path)
            parsed[canonical] = (directives, bytes.count)
        }
        if seen.insert(canonical).inserted { files.append(path) }
        active.append((canonical, include))
        return directives
    }

    /// Ends the innermost file ``enter(_:from:parse:)`` began.
    mutating func leave() {
        active.removeLast()
    }

    /// Adds `size` bytes to what the includes expand to, failing past the limit.
    private mutating func count(_ size: Int, at include: SourceLocation?) throws(ConfigParseError) {
        totalBytes += size
        if totalBytes > limits.maximumTotalBytes {
            throw ConfigParseError(
                .includeLimitExceeded,
                "includes expand to more than \(limits.maximumTotalBytes) bytes",
                at: include
            )
        }
    }
}
