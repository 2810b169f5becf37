import CGreenroomYAML

/// Reads YAML text into ``YAMLNode`` trees with libyaml (the copy in `CGreenroomYAML`).
///
/// The composer is iterative (an explicit stack, not recursion), and bounded while it reads
/// (``Limits``): hostile text stops at the event that passes a limit, before a tree is built.
package enum YAMLComposer {
    /// Bounds on what one text may compose to.
    package struct Limits: Sendable {
        /// The most values in all documents together, each alias counting as the size of what its
        /// anchor names (nine levels of ten aliases are 10^9 values from 1 KB of text).
        package var values: Int
        /// The deepest nesting of collections (libyaml's own limit is 1,000).
        package var depth: Int
        /// The longest mapping key, in bytes: keys are compared for duplicates, so an alias of a
        /// megabyte scalar used as a key in every mapping would be hashed again and again.
        package var keyBytes: Int

        /// Creates limits; the defaults suit any configuration file.
        package init(values: Int = 2_000_000, depth: Int = 200, keyBytes: Int = 1024) {
            self.values = values
            self.depth = depth
            self.keyBytes = keyBytes
        }
    }

    /// The root of every document in `text`, in order; an empty document (`---` alone, or only
    /// comments) is an empty plain scalar.
    ///
    /// - Throws: ``YAMLError`` at the place of the first problem.
    package static func documents(_ text: String, limits: Limits = Limits()) throws(YAMLError) -> [YAMLNode] {
        try reading(text, limits: limits, empty: []) { reader, budget throws(YAMLError) in
            var documents: [YAMLNode] = []
            while let document = try compose(reader, budget: &budget) { documents.append(document) }
            return documents
        }
    }

    /// The root of the one document in `text`: `nil` when the text holds none (it is empty or
    /// only comments).
    ///
    /// - Throws: ``YAMLError`` at the place of the first problem, or at the start of a second
    ///   document.
    package static func document(_ text: String, limits: Limits = Limits()) throws(YAMLError) -> YAMLNode? {
        try reading(text, limits: limits, empty: nil) { reader, budget throws(YAMLError) in
            guard let first = try compose(reader, budget: &budget) else { return nil }
            let next = try reader.next()
            if case .documentStart = next.kind {
                throw YAMLError(
                    .composer,
                    "but found another document",
                    context: "expected a single document in the stream",
                    at: next.mark
                )
            }
            return first
        }
    }

    /// Runs `body` with a reader of `text`'s events and a fresh budget, while the text's bytes
    /// (which libyaml reads in place) are alive; `empty` for an empty text, which libyaml is not
    /// given.
    private static func reading<Value>(
        _ text: String,
        limits: Limits,
        empty: Value,
        _ body: (EventReader, inout Budget) throws(YAMLError) -> Value
    ) throws(YAMLError) -> Value {
        var text = text
        return try text.withUTF8 { bytes in
            Result { () throws(YAMLError) -> Value in
                guard !bytes.isEmpty else { return empty }
                var budget = Budget(limits: limits)
                return try body(EventReader(bytes), &budget)
            }
        }.get()
    }

    /// One open collection while its items are read.
    private struct Open {
        enum Items {
            case sequence([YAMLNode])
            case mapping([(key: YAMLNode, value: YAMLNode)], pendingKey: YAMLNode?)
        }

        var items: Items
        let anchor: String?
        let mark: YAMLMark
        /// The values inside, itself included, aliases expanded.
        var size = 1

        mutating func add(_ node: YAMLNode) {
            switch items {
            case .sequence(var list):
                items = .sequence([])  // keeps `list` uniquely referenced while it grows
                list.append(node)
                items = .sequence(list)
            case .mapping(var pairs, let pendingKey):
                items = .mapping([], pendingKey: nil)
                if let pendingKey {
                    pairs.append((key: pendingKey, value: node))
                    items = .mapping(pairs, pendingKey: nil)
                } else {
                    items = .mapping(pairs, pendingKey: node)
                }
            }
        }
    }

    /// What a text has used of its ``Limits`` so far.
    private struct Budget {
        let limits: Limits
        var values = 0

        mutating func spend(_ count: Int, at mark: YAMLMark) throws(YAMLError) {
            values += count
            guard values <= limits.values else {
                throw YAMLError(
                    .tooLarge,
                    "more than \(limits.values) values once aliases are expanded",
                    at: mark
                )
            }
        }
    }

    /// The next document's root, `nil` at the end of the stream.
    private static func compose(_ reader: EventReader, budget: inout Budget) throws(YAMLError) -> YAMLNode? {
        var event = try reader.next()
        if case .streamStart = event.kind { event = try reader.next() }
        switch event.kind {
        case .streamEnd: return nil
        case .documentStart: break
        default: throw YAMLError(.composer, "expected the start of a document", at: event.mark)
        }
        var anchors: [String: (node: YAMLNode, size: Int)] = [:]
        var stack: [Open] = []
        while true {
            event = try reader.next()
            var finished: YAMLNode
            var size = 1
            switch event.kind {
            case .scalar(let value, let anchor, let style):
                finished = .scalar(YAMLNode.Scalar(value, style: style, mark: event.mark))
                if let anchor { anchors[anchor] = (finished, 1) }
            case .alias(let anchor):
                guard let (node, anchoredSize) = anchors[anchor] else {
                    throw YAMLError(.composer, "found undefined alias", at: event.mark)
                }
                finished = node
                size = anchoredSize
            case .sequenceStart(let anchor), .mappingStart(let anchor):
                try budget.spend(1, at: event.mark)
                guard stack.count < budget.limits.depth else {
                    throw YAMLError(.tooDeep, "nested deeper than \(budget.limits.depth) levels", at: event.mark)
                }
                let items: Open.Items
                if case .sequenceStart = event.kind {
                    items = .sequence([])
                } else {
                    items = .mapping([], pendingKey: nil)
                }
                stack.append(Open(items: items, anchor: anchor, mark: event.mark))
                continue
            case .sequenceEnd, .mappingEnd:
                guard let open = stack.popLast() else {
                    throw YAMLError(.composer, "found the end of a collection that was not started", at: event.mark)
                }
                switch open.items {
                case .sequence(let items):
                    finished = .sequence(YAMLNode.Sequence(items, mark: open.mark))
                case .mapping(let pairs, _):
                    try checkDuplicates(pairs)
                    finished = .mapping(YAMLNode.Mapping(pairs, mark: open.mark))
                }
                if let anchor = open.anchor { anchors[anchor] = (finished, open.size) }
                size = open.size
            case .documentEnd:
                // libyaml reports an empty document as an empty plain scalar, so this is unreachable
                // with a well-formed event stream.
                throw YAMLError(.composer, "found the end of a document with no content", at: event.mark)
            case .streamStart, .streamEnd, .documentStart:
                throw YAMLError(.composer, "found the start or end of a document inside a node", at: event.mark)
            }
            switch event.kind {
            case .scalar, .alias: try budget.spend(size, at: event.mark)
            default: break  // a collection's values were counted as they came
            }
            guard !stack.isEmpty else {
                let end = try reader.next()
                guard case .documentEnd = end.kind else {
                    throw YAMLError(.composer, "expected the end of the document", at: end.mark)
                }
                return finished
            }
            if case .mapping(_, pendingKey: nil) = stack[stack.count - 1].items, let key = finished.string,
                key.utf8.count > budget.limits.keyBytes
            {
                throw YAMLError(
                    .tooLarge,
                    "a mapping key longer than \(budget.limits.keyBytes) bytes",
                    at: event.mark
                )
            }
            stack[stack.count - 1].size += size
            stack[stack.count - 1].add(finished)
        }
    }

    /// A mapping that writes one key twice is an error (at the first time it is written), as it is
    /// for kubectl and for every YAML 1.2 reader.
    private static func checkDuplicates(_ pairs: [(key: YAMLNode, value: YAMLNode)]) throws(YAMLError) {
        guard pairs.count > 1 else { return }
        var seen: [String: YAMLMark] = [:]
        var reported: Set<String> = []
        var duplicates: [String] = []  // the first ten, named in the message
        var firstMark: YAMLMark?
        for (key, _) in pairs {
            guard let text = key.string else { continue }
            if let mark = seen[text] {
                if duplicates.count < 10, reported.insert(text).inserted { duplicates.append(text) }
                if firstMark == nil { firstMark = mark }
            } else {
                seen[text] = key.mark
            }
        }
        if let firstMark {
            throw YAMLError(.duplicateKeys, "duplicated keys", at: firstMark, keys: duplicates)
        }
    }
}
