/// A whole Apache httpd configuration: the main file with every `Include` resolved.
///
/// Resolution follows httpd 2.4 (https://httpd.apache.org/docs/2.4/mod/core.html#include): a
/// relative path is relative to `ServerRoot` (a `ServerRoot` directive changes it for the includes
/// after it); wildcards may appear in any component and their matches are read in sorted order;
/// `Include` of a wildcard that matches nothing is an error, `IncludeOptional` ignores it (and a
/// missing path); including a directory reads every file in it, recursively, in sorted order.
/// `Define NAME value` is applied to `${NAME}` in later arguments, as httpd does while reading.
/// A file that includes itself is an error.
package struct ApacheConfig: Sendable {
    /// One resolved `Include` or `IncludeOptional`.
    package struct Include: Sendable, Hashable {
        /// Where the directive is.
        package var location: SourceLocation
        /// Its argument, as written (after `${}` substitution).
        package var pattern: String
        /// The files it read, in order.
        package var files: [String]
    }

    /// The main file, as given.
    package let mainFile: String
    /// The `ServerRoot` in force at the start.
    package let serverRoot: String
    /// Every file read, main file first, each once, in reading order.
    package let files: [String]
    /// Every include directive met, in order.
    package let includes: [Include]
    /// The top-level directives, with includes resolved.
    package let directives: [ApacheDirective]

    /// Loads `mainFile` and everything it includes.
    ///
    /// - Parameters:
    ///   - serverRoot: the initial `ServerRoot`; by default the main file's directory, or its
    ///     parent when the parent holds `apache2.conf`/`httpd.conf` (a file in `sites-enabled/`).
    ///   - defines: variables known before reading (`-D NAME` and `APACHE_*` environment values).
    /// - Throws: ``ConfigParseError``, located at the offending line or include.
    package static func load(
        _ mainFile: String,
        fileSystem: some ConfigFileSystem,
        serverRoot: String? = nil,
        defines: [String: String] = [:],
        limits: NginxConfig.Limits = .init()
    ) throws(ConfigParseError) -> ApacheConfig {
        let root = serverRoot ?? defaultServerRoot(for: mainFile, fileSystem: fileSystem)
        var loader = ApacheIncludeLoader(fileSystem: fileSystem, serverRoot: root, defines: defines, limits: limits)
        let directives = try loader.loadFile(mainFile, from: nil, depth: 0)
        return ApacheConfig(
            mainFile: mainFile,
            serverRoot: root,
            files: loader.files,
            includes: loader.includes,
            directives: directives
        )
    }

    /// The `ServerRoot` to assume for `mainFile` when none is given.
    package static func defaultServerRoot(for mainFile: String, fileSystem: some ConfigFileSystem) -> String {
        let directory = ConfigPath.directory(of: mainFile)
        let mainNames = ["apache2.conf", "httpd.conf"]
        if mainNames.contains(ConfigPath.lastComponent(of: mainFile)) { return directory }
        func holdsMain(_ dir: String) -> Bool {
            mainNames.contains { fileSystem.kind(ofPath: ConfigPath.resolve($0, against: dir)) == .file }
        }
        if holdsMain(directory) { return directory }
        let parent = ConfigPath.directory(of: fileSystem.canonicalPath(directory))
        return holdsMain(parent) ? parent : directory
    }

    /// Every directive of the tree, depth first, with the chain of sections around it.
    package func forEachDirective(_ body: (_ directive: ApacheDirective, _ parents: [ApacheDirective]) -> Void) {
        func walk(_ directives: [ApacheDirective], _ parents: inout [ApacheDirective]) {
            for directive in directives {
                body(directive, parents)
                if let children = directive.children {
                    parents.append(directive)
                    walk(children, &parents)
                    parents.removeLast()
                }
            }
        }
        var parents: [ApacheDirective] = []
        walk(directives, &parents)
    }
}
