import GreenroomConfigParsing

/// The objects of one or more Kubernetes manifest files, read for `greenroom check --kubernetes`.
///
/// A path is a file (every YAML document in it) or a directory (every `*.yaml` and `*.yml` file
/// directly in it, in byte order of their names, as `kubectl apply -f DIR` reads them; no
/// recursion). Empty documents are skipped; a document that is not a mapping, has no `kind`, or
/// is not YAML is a ``ConfigParseError`` naming the file, line and column. Objects of kinds the
/// rules do not know are kept and ignored by them.
package struct KubernetesManifests: Sendable, Hashable {
    /// How much is read before giving up with an error.
    package struct Limits: Sendable, Hashable {
        /// Bytes of one file.
        package var fileBytes = 16 << 20
        /// Bytes of all files together.
        package var totalBytes = 64 << 20
        /// Files in one directory.
        package var files = 2_000
        /// Values (scalars, mappings, lists) in one file after YAML aliases are expanded: bounds
        /// "billion laughs" documents whose aliases multiply a small text.
        package var values = 2_000_000
        /// Mappings and lists nested in one another.
        package var depth = 200

        /// The defaults.
        package init() {}
    }

    /// Every object, in file order, then document order.
    package var objects: [KubernetesObject]
    /// The files read, in order.
    package var files: [String]

    /// Creates a set of objects (tests build them from text with ``parse(_:file:limits:)``).
    package init(objects: [KubernetesObject] = [], files: [String] = []) {
        self.objects = objects
        self.files = files
    }

    /// Reads `path`, a manifest file or a directory of them.
    ///
    /// - Throws: ``ConfigParseError``: a missing path, a directory without `*.yaml`/`*.yml` files,
    ///   a file over the size limit, text that is not UTF-8 or not YAML, a document that is not
    ///   a Kubernetes object.
    package static func load(
        _ path: String,
        fileSystem: some ConfigFileSystem = LocalFileSystem(),
        limits: Limits = Limits()
    ) throws(ConfigParseError) -> KubernetesManifests {
        var manifests = KubernetesManifests()
        try manifests.add(path, fileSystem: fileSystem, limits: limits)
        return manifests
    }

    /// Reads `path` (a file or a directory) and appends its objects.
    package mutating func add(
        _ path: String,
        fileSystem: some ConfigFileSystem = LocalFileSystem(),
        limits: Limits = Limits()
    ) throws(ConfigParseError) {
        guard !path.isEmpty else { throw ConfigParseError(.fileNotFound, "--kubernetes needs a file or directory") }
        let list = ConfigFileList(
            fileBytes: limits.fileBytes,
            totalBytes: limits.totalBytes,
            maximumFiles: limits.files,
            noun: "manifest"
        )
        for (file, bytes) in try list.read(path, extensions: ["yaml", "yml"], fileSystem: fileSystem) {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ConfigParseError(.binaryData, "'\(file)' is not UTF-8 text", at: Self.start(of: file))
            }
            objects += try Self.parse(text, file: file, limits: limits)
            files.append(file)
        }
    }

    /// The objects `kind` in `group` (`""` for the core group).
    package func objects(_ kind: String, group: String) -> [KubernetesObject] {
        objects.filter { $0.is(kind, group: group) }
    }

    static func start(of file: String) -> SourceLocation { SourceLocation(file: file, line: 1, column: 1) }
}

extension ConfigParseError.Code {
    /// Text that is not YAML (the YAML parser's reason follows).
    package static let invalidYAML = ConfigParseError.Code("invalidYAML")
    /// A YAML document that is not a Kubernetes object: not a mapping, no `kind`, a key that is
    /// not a string.
    package static let notAnObject = ConfigParseError.Code("notAnObject")
    /// A document whose YAML aliases expand past the limit, or that nests too deep.
    package static let tooManyValues = ConfigParseError.Code("tooManyValues")
}
