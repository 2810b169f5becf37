/// Builds the directive tree of one nginx configuration file from its tokens.
///
/// Mirrors `ngx_conf_parse()`: a `;` or `{` needs a name before it, `}` may only follow a complete
/// directive and must close an open block, and each file is balanced on its own (an included file
/// cannot close its includer's block). `include` directives are left in place for
/// ``NginxConfig`` to resolve. Iterative, so deeply nested input cannot overflow the stack.
///
/// The block of a `*_by_lua_block` directive (OpenResty) is Lua code, read past as
/// lua-nginx-module does; the directive has an empty block.
package enum NginxParser {
    /// The deepest nesting of blocks accepted in one file (nginx has no limit; real configs
    /// rarely pass 6).
    package static let maximumNesting = 64

    /// Parses one file's bytes.
    ///
    /// - Parameter file: the path used in locations.
    /// - Throws: ``ConfigParseError`` located at the offending token.
    package static func parse(_ bytes: [UInt8], file: String) throws(ConfigParseError) -> [NginxDirective] {
        var tokenizer = NginxTokenizer(bytes: bytes, file: file)
        // The open blocks: the directive that opened each, and the directives read so far inside it.
        var stack: [(opener: NginxDirective?, children: [NginxDirective])] = [(nil, [])]
        var words: [NginxToken] = []

        func directive(from words: [NginxToken]) -> NginxDirective {
            let head = words[0]
            return NginxDirective(
                name: head.value,
                arguments: words.dropFirst().map {
                    .init(
                        $0.value,
                        quote: $0.quote,
                        location: SourceLocation(file: file, line: $0.line, column: $0.column)
                    )
                },
                location: SourceLocation(file: file, line: head.line, column: head.column)
            )
        }

        while let token = try tokenizer.next() {
            let here = SourceLocation(file: file, line: token.line, column: token.column)
            switch token.kind {
            case .word:
                words.append(token)
            case .semicolon:
                guard !words.isEmpty else {
                    throw ConfigParseError(.unexpectedToken, "unexpected \";\" with no directive before it", at: here)
                }
                var simple = directive(from: words)
                // Where a fix that replaces the directive ends, in columns an editor counts too:
                // only when its line, read up to the `;`, is ASCII (columns count bytes).
                if tokenizer.lastNonASCIILine != token.line {
                    simple.end = NginxDirective.Position(line: token.line, column: token.column + 1)
                }
                stack[stack.count - 1].children.append(simple)
                words.removeAll(keepingCapacity: true)
            case .blockStart:
                guard !words.isEmpty else {
                    throw ConfigParseError(.unexpectedToken, "unexpected \"{\" with no directive before it", at: here)
                }
                guard stack.count <= maximumNesting else {
                    throw ConfigParseError(
                        .nestingTooDeep,
                        "blocks nested more than \(maximumNesting) deep",
                        at: here
                    )
                }
                if NginxTokenizer.opensLuaBlock(words[0].value) {
                    // Lua code, not configuration: the directive keeps an empty block.
                    try tokenizer.skipLuaBlock(of: words[0])
                    var lua = directive(from: words)
                    lua.block = []
                    stack[stack.count - 1].children.append(lua)
                    words.removeAll(keepingCapacity: true)
                    continue
                }
                stack.append((directive(from: words), []))
                words.removeAll(keepingCapacity: true)
            case .blockEnd:
                if let first = words.first {
                    throw ConfigParseError(
                        .unexpectedToken,
                        "unexpected \"}\": the directive \"\(first.value)\" at line \(first.line) is missing its \";\"",
                        at: here
                    )
                }
                guard stack.count > 1, var opener = stack.last?.opener else {
                    throw ConfigParseError(.unexpectedToken, "unexpected \"}\": no block is open", at: here)
                }
                opener.block = stack.removeLast().children
                stack[stack.count - 1].children.append(opener)
            }
        }
        if let first = words.first {
            throw ConfigParseError(
                .unexpectedEndOfFile,
                "unexpected end of file: the directive \"\(first.value)\" is missing its \";\" or \"{\"",
                at: SourceLocation(file: file, line: first.line, column: first.column)
            )
        }
        if stack.count > 1, let opener = stack.last?.opener {
            throw ConfigParseError(
                .unexpectedEndOfFile,
                "unexpected end of file: the block \"\(opener.name)\" opened here is missing its \"}\"",
                at: opener.location
            )
        }
        return stack[0].children
    }

    /// Parses text (for tests and snippets).
    package static func parse(_ text: String, file: String = "<input>") throws(ConfigParseError) -> [NginxDirective] {
        try parse(Array(text.utf8), file: file)
    }
}
