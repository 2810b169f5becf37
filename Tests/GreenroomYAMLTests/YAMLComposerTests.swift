import Testing

@testable import GreenroomYAML

@Suite struct YAMLComposerTests {
    @Test func scalarsKeepTheirTextStyleAndPlace() throws {
        let root = try #require(
            try YAMLComposer.document(
                """
                a: on
                b: 'on'
                c: "t\\u00e9\\x41"
                d: |
                  line
                e: >
                  fold
                  ed
                f:
                """
            )
        )
        guard case .mapping(let mapping) = root else {
            Issue.record("not a mapping: \(root)")
            return
        }
        let values = mapping.map { pair in
            guard case .scalar(let scalar) = pair.value else { return ("", YAMLNode.Scalar.Style.plain, 0) }
            return (scalar.string, scalar.style, scalar.mark.line)
        }
        #expect(values.map(\.0) == ["on", "on", "téA", "line\n", "fold ed\n", ""])
        #expect(values.map(\.1) == [.plain, .singleQuoted, .doubleQuoted, .literal, .folded, .plain])
        #expect(values.map(\.2) == [1, 2, 3, 4, 6, 9])
        #expect(mapping.pairs.map { $0.key.mark.column } == [1, 1, 1, 1, 1, 1])
        #expect(mapping["c"]?.mark == YAMLMark(line: 3, column: 4))
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let root = try #require(try YAMLComposer.document("é: [ü, x]\n"))
        guard case .mapping(let mapping) = root, case .sequence(let list) = mapping.pairs[0].value else {
            Issue.record("\(root)")
            return
        }
        #expect(list.mark == YAMLMark(line: 1, column: 4))
        #expect(list.items.map(\.mark.column) == [5, 8])
    }

    @Test func aliasesAreTheAnchoredNode() throws {
        let root = try #require(try YAMLComposer.document("base: &b {x: 1}\nuse: *b\nlist: [&s one, *s]\n"))
        guard case .mapping(let mapping) = root else {
            Issue.record("\(root)")
            return
        }
        guard case .mapping(let used) = try #require(mapping["use"]) else {
            Issue.record("use")
            return
        }
        #expect(used["x"]?.string == "1")
        #expect(used.mark == YAMLMark(line: 1, column: 7))  // the anchored node's place
        guard case .sequence(let list) = try #require(mapping["list"]) else {
            Issue.record("list")
            return
        }
        #expect(list.items.map(\.string) == ["one", "one"])
    }

    @Test func everyDocumentOfAStream() throws {
        let documents = try YAMLComposer.documents("a: 1\n---\n# only a comment\n---\n- b\n...\n")
        #expect(documents.count == 3)
        #expect(documents[1].string == "")  // an empty document is an empty plain scalar
        #expect(documents[2].mark.line == 5)
        #expect(try YAMLComposer.documents("").isEmpty)
        #expect(try YAMLComposer.documents("# nothing\n").isEmpty)
        #expect(try YAMLComposer.document("") == nil)
        #expect(try YAMLComposer.document("  \n# comment\n") == nil)
    }

    @Test(arguments: [
        (
            "a: 1\n---\nb: 2\n", YAMLError.Kind.composer, 2, 1,
            "invalid YAML: expected a single document in the stream but found another document"
        ),
        ("a: *nothing\n", .composer, 1, 4, "invalid YAML: found undefined alias"),
        ("a: [x\n", .parser, 2, 1, "invalid YAML: while parsing a flow sequence did not find expected ',' or ']'"),
        (
            "a: 1\n\tb: 2\n", .scanner, 2, 1,
            "invalid YAML: while scanning a plain scalar found a tab character that violates indentation"
        ),
        (
            "\ta: 1\n", .scanner, 1, 1,
            "invalid YAML: while scanning for the next token found character that cannot start any token"
        ),
        ("a: 'open\n", .scanner, 2, 1, "invalid YAML: while scanning a quoted scalar found unexpected end of stream"),
        ("a: b: c\n", .scanner, 1, 5, "invalid YAML: mapping values are not allowed in this context"),
        ("a: 1\nb:\n  c: 1\n  c: 2\nb: 3\n", .duplicateKeys, 3, 3, "key c written twice in one mapping"),
        ("x: 1\ny: 2\n'x': 3\ny: 4\n", .duplicateKeys, 1, 1, "key x, y written twice in one mapping"),
        ("a: ok\nb: \u{7}\n", .reader, 2, 4, "invalid YAML text: control characters are not allowed"),
    ])
    func badTextIsALocatedError(_ text: String, _ kind: YAMLError.Kind, _ line: Int, _ column: Int, _ message: String) {
        let error = #expect(throws: YAMLError.self) {
            if kind == .composer && text.contains("---") {
                _ = try YAMLComposer.document(text)
            } else {
                _ = try YAMLComposer.documents(text)
            }
        }
        #expect(error?.kind == kind)
        #expect(error?.mark == YAMLMark(line: line, column: column), "\(String(describing: error))")
        #expect(error?.message == message)
        if !text.contains("---") {
            #expect(throws: YAMLError.self) { try YAMLComposer.document(text) }
        }
    }

    @Test func invalidUTF8IsAReaderErrorAtItsByte() {
        var bytes = Array("a: 1\nb: x".utf8)
        bytes += [0xFF, 0x0A]
        let text = String(decoding: bytes, as: UTF8.self)  // U+FFFD: valid UTF-8, accepted
        #expect((try? YAMLComposer.document(text)) != nil)
    }

    /// Nesting stops at the limit (200 by default) at the event that passes it, and libyaml's own
    /// limit (1,000) holds above that; the composer has no recursion of its own, so far deeper
    /// text is an error, never a stack overflow.
    @Test(arguments: [(YAMLComposer.Limits(), 200), (YAMLComposer.Limits(depth: 5_000), 1000)])
    func deepNestingIsAnErrorNotACrash(_ limits: YAMLComposer.Limits, _ levels: Int) {
        for text in [
            String(repeating: "[", count: 100_000),
            String(repeating: "- ", count: 5_000) + "x",
            String(repeating: "{a: ", count: 5_000),
        ] {
            let error = #expect(throws: YAMLError.self) { try YAMLComposer.documents(text, limits: limits) }
            #expect(error?.kind == .tooDeep, "\(String(describing: error))")
            // An unclosed flow `[` run may reach libyaml's own limit first: libyaml reads ahead
            // for a possible key before it reports the sequences.
            let message = error?.message ?? ""
            #expect(
                message == "invalid YAML: nested deeper than \(levels) levels"
                    || text.hasPrefix("[[") && message == "invalid YAML: nested deeper than 1000 levels",
                "\(message)"
            )
            #expect(error?.mark.line == 1, "\(String(describing: error))")
        }
        let nested = String(repeating: "[", count: levels - 1) + String(repeating: "]", count: levels - 1)
        #expect((try? YAMLComposer.document(nested, limits: limits)) != nil)
    }

    static func aliasBomb() -> String {
        var text = "l0: &l0 [lol]\n"
        for level in 1...9 {
            text +=
                "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        return text + "k:\n  ? *l9\n  : x\n  ? *l8\n  : y\n"
    }

    /// Nine levels of ten aliases stand for 10^9 values: refused at the alias that passes the
    /// limit, as libyaml reads it.
    @Test func aliasBombsStopAtTheLimit() throws {
        let error = #expect(throws: YAMLError.self) { try YAMLComposer.document(Self.aliasBomb()) }
        #expect(error?.kind == .tooLarge)
        #expect(error?.message == "invalid YAML: more than 2000000 values once aliases are expanded")
        #expect(error?.mark.line == 7, "\(String(describing: error))")  // l6 is 10^6, l7 passes
    }

    /// Without the limit, composing them shares storage and costs what the text costs.
    @Test func aliasesComposeInLinearTime() throws {
        let started = ContinuousClock.now
        let root = try #require(try YAMLComposer.document(Self.aliasBomb(), limits: .init(values: .max)))
        #expect(ContinuousClock.now - started < .seconds(2))
        guard case .mapping(let mapping) = root else {
            Issue.record("\(root)")
            return
        }
        #expect(mapping.count == 11)
    }

    /// Keys are compared for duplicates: an alias of a long scalar used as a key would be hashed
    /// in every mapping. Keys longer than the limit are refused where they are used.
    @Test func longKeysAreRefused() throws {
        let long = String(repeating: "k", count: 1025)
        let error = #expect(throws: YAMLError.self) {
            try YAMLComposer.document("big: &k \(long)\nlist:\n  - {a: 1, *k : 2}\n")
        }
        #expect(error?.kind == .tooLarge)
        #expect(error?.mark == YAMLMark(line: 3, column: 12), "\(String(describing: error))")
        #expect((try? YAMLComposer.document("\(String(repeating: "k", count: 1024)): 1\n")) != nil)
        #expect((try? YAMLComposer.document("value: \(long)\n")) != nil)  // long values are fine
    }

    /// Fifty thousand keys written twice: one error naming the first ten, found in linear time.
    @Test func manyDuplicateKeysAreFoundQuickly() {
        var text = ""
        for round in 0..<2 {
            for index in 0..<50_000 { text += "k\(index): \(round)\n" }
        }
        let started = ContinuousClock.now
        let error = #expect(throws: YAMLError.self) { try YAMLComposer.document(text) }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(error?.keys == (0..<10).map { "k\($0)" })
        #expect(error?.mark == YAMLMark(line: 1, column: 1))
    }
}
