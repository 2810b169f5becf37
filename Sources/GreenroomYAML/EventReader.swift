import CGreenroomYAML

/// libyaml's parser over a UTF-8 buffer, one event at a time, each copied into Swift values and
/// released at once.
///
/// The buffer must outlive the reader: ``YAMLComposer`` creates both inside `withUTF8`.
final class EventReader {
    /// One parser event, with what the composer needs of it.
    struct Event {
        enum Kind {
            case streamStart, streamEnd, documentStart, documentEnd
            case alias(anchor: String)
            case scalar(value: String, anchor: String?, style: YAMLNode.Scalar.Style)
            case sequenceStart(anchor: String?)
            case sequenceEnd
            case mappingStart(anchor: String?)
            case mappingEnd
        }

        let kind: Kind
        let mark: YAMLMark
    }

    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let bytes: UnsafeBufferPointer<UInt8>
    /// `false` when libyaml could not allocate its buffers (then every ``next()`` throws).
    private let initialized: Bool

    /// A reader of `bytes`, which must not be empty.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        parser = .allocate(capacity: 1)
        initialized = greenroom_yaml_parser_initialize(parser) == 1
        if initialized {
            greenroom_yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            greenroom_yaml_parser_set_input_string(parser, bytes.baseAddress!, bytes.count)
        }
    }

    deinit {
        if initialized { greenroom_yaml_parser_delete(parser) }
        parser.deallocate()
    }

    /// The next event.
    ///
    /// - Throws: ``YAMLError`` with libyaml's problem, context and place.
    func next() throws(YAMLError) -> Event {
        guard initialized else {
            throw YAMLError(
                .tooDeep,
                "libyaml could not allocate its parser (out of memory)",
                at: YAMLMark(line: 1, column: 1)
            )
        }
        var event = yaml_event_t()
        guard greenroom_yaml_parser_parse(parser, &event) == 1 else { throw error() }
        defer { greenroom_yaml_event_delete(&event) }
        let mark = YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        let kind: Event.Kind
        switch event.type {
        case YAML_STREAM_START_EVENT: kind = .streamStart
        case YAML_STREAM_END_EVENT: kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT: kind = .documentStart
        case YAML_DOCUMENT_END_EVENT: kind = .documentEnd
        case YAML_ALIAS_EVENT: kind = .alias(anchor: Self.text(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            kind = .scalar(value: value, anchor: Self.text(scalar.anchor), style: Self.style(scalar.style))
        case YAML_SEQUENCE_START_EVENT: kind = .sequenceStart(anchor: Self.text(event.data.sequence_start.anchor))
        case YAML_SEQUENCE_END_EVENT: kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT: kind = .mappingStart(anchor: Self.text(event.data.mapping_start.anchor))
        case YAML_MAPPING_END_EVENT: kind = .mappingEnd
        default: throw YAMLError(.parser, "produced no event", at: mark)
        }
        return Event(kind: kind, mark: mark)
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLNode.Scalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    /// The parser's error as a ``YAMLError``.
    private func error() -> YAMLError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown problem"
        let context = state.context.map { String(cString: $0) }
        let problemMark = YAMLMark(line: Int(state.problem_mark.line) + 1, column: Int(state.problem_mark.column) + 1)
        switch state.error {
        case YAML_MEMORY_ERROR:
            let here = YAMLMark(line: Int(state.mark.line) + 1, column: Int(state.mark.column) + 1)
            return YAMLError(.tooDeep, "nested deeper than 1000 levels (or out of memory)", at: here)
        case YAML_READER_ERROR:
            return YAMLError(.reader, problem, at: mark(ofByte: state.problem_offset))
        case YAML_PARSER_ERROR where problem.hasPrefix("Maximum nesting level reached"):
            return YAMLError(.tooDeep, "nested deeper than 1000 levels", at: problemMark)
        case YAML_SCANNER_ERROR:
            return YAMLError(.scanner, problem, context: context, at: problemMark)
        default:
            return YAMLError(.parser, problem, context: context, at: problemMark)
        }
    }

    /// The line and column of a byte offset (a reader error gives only the offset).
    private func mark(ofByte offset: Int) -> YAMLMark {
        var mark = YAMLMark(line: 1, column: 1)
        for byte in bytes.prefix(max(0, min(offset, bytes.count))) {
            if byte == UInt8(ascii: "\n") {
                mark.line += 1
                mark.column = 1
            } else if byte & 0xC0 != 0x80 {  // not a UTF-8 continuation byte: a new character
                mark.column += 1
            }
        }
        return mark
    }
}
