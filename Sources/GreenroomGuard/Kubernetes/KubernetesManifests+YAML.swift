import GreenroomConfigParsing
import GreenroomYAML

extension KubernetesManifests {
    /// The objects of one manifest file's text: every document (`---` separated), and every item
    /// of a `kind: List`.
    ///
    /// Scalars keep their text: `true` is read as a boolean only where a rule expects one, so
    /// `"0.0.0.0/0"` and `0.0.0.0/0` are the same value.
    ///
    /// - Throws: ``ConfigParseError`` at the line and column of the problem.
    package static func parse(
        _ text: String,
        file: String,
        limits: Limits = Limits()
    ) throws(ConfigParseError)
        -> [KubernetesObject]
    {
        do {
            return try objects(text, file: file, limits: limits)
        } catch {
            // Scalars and keys quoted in a message may hold control characters.
            throw ConfigParseError(error.code, ManifestText.shown(error.message), at: error.location)
        }
    }

    private static func objects(
        _ text: String,
        file: String,
        limits: Limits
    ) throws(ConfigParseError)
        -> [KubernetesObject]
    {
        var objects: [KubernetesObject] = []
        for root in try documents(text, file: file, limits: limits) {
            try append(root, file: file, to: &objects, listItem: false)
        }
        return objects
    }

    /// The located trees of every non-empty YAML document in `text`, whatever they hold (a spec
    /// embedded in a ConfigMap is read through this too).
    static func documents(
        _ text: String,
        file: String,
        limits: Limits = Limits()
    ) throws(ConfigParseError)
        -> [ManifestNode]
    {
        let documents: [YAMLNode]
        do {
            // Bounded while libyaml reads: the values (aliases expanded) and the nesting stop at the
            // event that passes them, before a tree is built.
            documents = try YAMLComposer.documents(
                text,
                limits: YAMLComposer.Limits(values: limits.values, depth: limits.depth)
            )
        } catch {
            throw yamlError(error, file: file)
        }
        var converter = Converter(file: file, limits: limits)
        var roots: [ManifestNode] = []
        for document in documents {
            let root = try converter.convert(document, depth: 0)
            if !root.isNull { roots.append(root) }  // an empty document: `---` alone, or only comments
        }
        return roots
    }

    /// Appends the object `root` is (or the items of a `List`).
    private static func append(
        _ root: ManifestNode,
        file: String,
        to objects: inout [KubernetesObject],
        listItem: Bool
    ) throws(ConfigParseError) {
        let what = listItem ? "an item of a List" : "a manifest document"
        guard root.isMapping else {
            throw ConfigParseError(
                .notAnObject,
                "\(what) must be a mapping with apiVersion, kind and metadata, not \(describe(root))",
                at: root.location
            )
        }
        guard let kindNode = root["kind"], let kind = kindNode.text, !kind.isEmpty else {
            throw ConfigParseError(
                .notAnObject,
                "\(what) has no kind",
                at: root.entry("kind")?.keyLocation ?? root.location
            )
        }
        if kind == "List" && !listItem {
            for item in root["items"]?.items ?? [] { try append(item, file: file, to: &objects, listItem: true) }
            return
        }
        let metadata = root["metadata"]
        objects.append(
            KubernetesObject(
                kind: kind,
                apiVersion: root["apiVersion"]?.text ?? "",
                name: metadata?["name"]?.text,
                namespace: metadata?["namespace"]?.text,
                root: root,
                location: kindNode.location
            )
        )
    }

    private static func describe(_ node: ManifestNode) -> String {
        switch node.value {
        case .scalar(let text, _): "the scalar '\(text.prefix(40))'"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// A YAML parser error as a located configuration error.
    static func yamlError(_ error: YAMLError, file: String) -> ConfigParseError {
        let location = SourceLocation(file: file, line: error.mark.line, column: error.mark.column)
        switch error.kind {
        case .tooLarge, .tooDeep:
            return ConfigParseError(.tooManyValues, "\(error.problem); not a manifest this check reads", at: location)
        default:
            return ConfigParseError(.invalidYAML, error.message, at: location)
        }
    }
}

/// Turns composed YAML nodes into ``ManifestNode``s, counting values so that aliases cannot multiply a
/// small file into an enormous tree, and refusing non-string keys.
private struct Converter {
    let file: String
    let limits: KubernetesManifests.Limits
    var values = 0

    init(file: String, limits: KubernetesManifests.Limits) {
        self.file = file
        self.limits = limits
    }

    func location(_ mark: YAMLMark) -> SourceLocation {
        SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    mutating func convert(_ node: YAMLNode, depth: Int) throws(ConfigParseError) -> ManifestNode {
        let here = location(node.mark)
        values += 1
        guard values <= limits.values else {
            throw ConfigParseError(
                .tooManyValues,
                "more than \(limits.values) values (YAML aliases expanding?); not a manifest this check reads",
                at: here
            )
        }
        guard depth <= limits.depth else {
            throw ConfigParseError(.tooManyValues, "nested more than \(limits.depth) levels deep", at: here)
        }
        switch node {
        case .scalar(let scalar):
            return ManifestNode(.scalar(scalar.string, plain: scalar.isPlain), at: here)
        case .sequence(let sequence):
            var items: [ManifestNode] = []
            for item in sequence { items.append(try convert(item, depth: depth + 1)) }
            return ManifestNode(.sequence(items), at: here)
        case .mapping(let mapping):
            var entries: [ManifestNode.Entry] = []
            var merged: [ManifestNode.Entry] = []
            for (key, value) in mapping {
                if case .scalar(let keyScalar) = key, keyScalar.string == "<<", keyScalar.isPlain {
                    merged += try mergeEntries(value, depth: depth)
                    continue
                }
                guard case .scalar(let keyScalar) = key else {
                    throw ConfigParseError(
                        .notAnObject,
                        "a key must be a string, not a list or mapping",
                        at: location(key.mark)
                    )
                }
                entries.append(
                    ManifestNode.Entry(
                        key: keyScalar.string,
                        keyLocation: location(key.mark),
                        value: try convert(value, depth: depth + 1)
                    )
                )
            }
            // `<<: *base` (YAML merge keys, which kubectl's reader expands): the merged mappings'
            // keys, in order, unless the mapping itself writes them (the first merged one wins).
            var written = Set(entries.map(\.key))
            for entry in merged where written.insert(entry.key).inserted { entries.append(entry) }
            return ManifestNode(.mapping(entries), at: here)
        }
    }

    /// The entries a merge key's value brings: one mapping, or a list of mappings.
    mutating func mergeEntries(_ node: YAMLNode, depth: Int) throws(ConfigParseError) -> [ManifestNode.Entry] {
        let converted = try convert(node, depth: depth + 1)
        let sources = converted.isSequence ? converted.items : [converted]
        guard sources.allSatisfy(\.isMapping) else {
            throw ConfigParseError(
                .notAnObject,
                "a merge key (<<) takes a mapping or a list of mappings",
                at: converted.location
            )
        }
        return sources.flatMap(\.entries)
    }
}
