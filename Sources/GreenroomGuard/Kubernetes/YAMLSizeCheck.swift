import CYaml
import GreenroomConfigParsing

/// A pass over libyaml's events before Yams builds the tree: how many values the text stands for
/// once aliases are expanded, and how deep it nests.
///
/// Yams expands an alias by sharing the anchored node, which costs nothing, but it compares
/// mapping keys by hashing them whole: a key that is an alias of a "billion laughs" node (nine
/// levels of ten aliases) takes 10^9 steps. Counting events first, with each alias worth the
/// size of what it names, bounds that work and the tree built afterwards. Text libyaml rejects
/// is left to Yams, which reports the same error with its location.
enum YAMLSizeCheck {
    /// Throws when `text` expands to more than `values` values or nests deeper than `depth`.
    static func check(_ text: String, file: String, values limit: Int, depth maxDepth: Int) throws(ConfigParseError) {
        var bytes = Array(text.utf8)
        bytes.append(0)
        let problem: (String, Int, Int)? = bytes.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count - 1)
            var sizes: [String: Int] = [:]  // anchor -> the number of values it stands for
            var open: [(anchor: String?, size: Int)] = []
            var total = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }  // Yams reports it
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                let column = Int(event.start_mark.column) + 1
                var size = 0
                var anchor: UnsafeMutablePointer<UInt8>?
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    size = 1
                    anchor = event.data.scalar.anchor
                case YAML_ALIAS_EVENT:
                    size = event.data.alias.anchor.flatMap { sizes[String(cString: $0)] } ?? 1
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let name =
                        event.type == YAML_SEQUENCE_START_EVENT
                        ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                    open.append((name.map { String(cString: $0) }, 1))
                    total += 1
                    if open.count > maxDepth { return ("nested more than \(maxDepth) levels deep", line, column) }
                    continue
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let closed = open.popLast() else { continue }
                    if let name = closed.anchor { sizes[name] = closed.size }
                    if !open.isEmpty { open[open.count - 1].size += closed.size }
                    continue
                default:
                    continue
                }
                if let anchor { sizes[String(cString: anchor)] = size }
                total += size
                if !open.isEmpty { open[open.count - 1].size += size }
                if total > limit {
                    return (
                        "more than \(limit) values once YAML aliases are expanded; not a manifest this check reads",
                        line, column
                    )
                }
            }
        }
        if let (message, line, column) = problem {
            throw ConfigParseError(.tooManyValues, message, at: SourceLocation(file: file, line: line, column: column))
        }
    }
}
