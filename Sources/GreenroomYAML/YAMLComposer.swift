import CGreenroomYAML

/// Reads YAML text into ``YAMLNode`` trees with libyaml (the copy in `CGreenroomYAML`).
///
/// The composer is iterative (an explicit stack, not recursion), so nesting is bounded by libyaml's
/// own limit (1,000 levels) and never by the thread's stack.
package enum YAMLComposer {
    /// The root of every document in `text`, in order; an empty document (`---` alone, or only
    /// comments) is an empty plain scalar.
    ///
    /// - Throws: ``YAMLError`` at the place of the first problem.
    package static func documents(_ text: String) throws(YAMLError) -> [YAMLNode] {
        var text = text
        return try text.withUTF8 { bytes in
            Result { () throws(YAMLError) -> [YAMLNode] in
                guard !bytes.isEmpty else { return [] }
                let reader = EventReader(bytes)
                var documents: [YAMLNode] = []
                while let document = try compose(reader) { documents.append(document) }
                return documents
            }
        }.get()
    }

    /// The root of the one document in `text`: `nil` when the text holds none (it is empty or
    /// only comments).
    ///
    /// - Throws: ``YAMLError`` at the place of the first problem, or at the start of a second
    ///   document.
    package static func document(_ text: String) throws(YAMLError) -> YAMLNode? {
        var text = text
        return try text.withUTF8 { bytes in
            Result { () throws(YAMLError) -> YAMLNode? in
                guard !bytes.isEmpty else { return nil }
                let reader = EventReader(bytes)
                guard let first = try compose(reader) else { return nil }
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

    /// The next document's root, `nil` at the end of the stream.
    private static func compose(_ reader: EventReader) throws(YAMLError) -> YAMLNode? {
        var event = try reader.next()
        if case .streamStart = event.kind { event = try reader.next() }
        switch event.kind {
        case .streamEnd: return nil
        case .documentStart: break
        default: throw YAMLError(.composer, "expected the start of a document", at: event.mark)
        }
        var anchors: [String: YAMLNode] = [:]
        var stack: [Open] = []
        while true {
            event = try reader.next()
            var finished: YAMLNode
            switch event.kind {
            case .scalar(let value, let anchor, let style):
                finished = .scalar(YAMLNode.Scalar(value, style: style, mark: event.mark))
                if let anchor { anchors[anchor] = finished }
            case .alias(let anchor):
                guard let node = anchors[anchor] else {
                    throw YAMLError(.composer, "found undefined alias", at: event.mark)
                }
                finished = node
            case .sequenceStart(let anchor):
                stack.append(Open(items: .sequence([]), anchor: anchor, mark: event.mark))
                continue
            case .mappingStart(let anchor):
                stack.append(Open(items: .mapping([], pendingKey: nil), anchor: anchor, mark: event.mark))
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
                if let anchor = open.anchor { anchors[anchor] = finished }
            case .documentEnd:
                // libyaml reports an empty document as an empty plain scalar, so this is unreachable
                // with a well-formed event stream.
                throw YAMLError(.composer, "found the end of a document with no content", at: event.mark)
            case .streamStart, .streamEnd, .documentStart:
                throw YAMLError(.composer, "found the start or end of a document inside a node", at: event.mark)
            }
            guard !stack.isEmpty else {
                let end = try reader.next()
                guard case .documentEnd = end.kind else {
                    throw YAMLError(.composer, "expected the end of the document", at: end.mark)
                }
                return finished
            }
            stack[stack.count - 1].add(finished)
        }
    }

    /// A mapping that writes one key twice is an error (at the first time it is written), as it is
    /// for kubectl and for every YAML 1.2 reader.
    private static func checkDuplicates(_ pairs: [(key: YAMLNode, value: YAMLNode)]) throws(YAMLError) {
        guard pairs.count > 1 else { return }
        var seen: [String: YAMLMark] = [:]
        var duplicates: [String] = []
        var firstMark: YAMLMark?
        for (key, _) in pairs {
            guard let text = key.string else { continue }
            if let mark = seen[text] {
                if !duplicates.contains(text) { duplicates.append(text) }
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
