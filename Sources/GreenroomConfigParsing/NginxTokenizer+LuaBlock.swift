extension NginxTokenizer {
    /// `true` for the directives whose block is Lua code, not nginx configuration
    /// (lua-nginx-module's `content_by_lua_block`, `access_by_lua_block`, `set_by_lua_block`...).
    package static func opensLuaBlock(_ name: String) -> Bool { name.hasSuffix("_by_lua_block") }

    /// Reads past the Lua code of a `*_by_lua_block` whose `{` was just returned, through the `}`
    /// that closes it, as lua-nginx-module's own reader does: braces count only outside Lua
    /// strings (`"..."`, `'...'`, `[[...]]`, `[==[...]==]`) and comments (`--`, `--[[...]]`), so
    /// `ngx.say("}")` does not end the block and `"$host"` in Lua is not an nginx variable.
    ///
    /// - Parameter opener: the directive's name, for the error when the block never closes.
    /// - Throws: ``ConfigParseError`` `unexpectedEndOfFile` located at the name, or `binaryData`
    ///   at a control byte, as anywhere else in a configuration.
    package mutating func skipLuaBlock(of opener: NginxToken) throws(ConfigParseError) {
        var depth = 1
        var open: (what: String, line: Int, column: Int)? = nil  // a string or comment being read
        func unterminated() -> ConfigParseError {
            if let open {
                return ConfigParseError(
                    .unexpectedEndOfFile,
                    "unexpected end of file inside the Lua \(open.what) that starts here, in the block of "
                        + "\"\(opener.value)\"",
                    at: SourceLocation(file: file, line: open.line, column: open.column)
                )
            }
            return ConfigParseError(
                .unexpectedEndOfFile,
                "unexpected end of file: the Lua block of \"\(opener.value)\" opened here is missing its \"}\"",
                at: SourceLocation(file: file, line: opener.line, column: opener.column)
            )
        }
        while position < bytes.count {
            let column = position - lineStart + 1
            let byte = try consumeLuaByte()
            switch byte {
            case UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 {
                    startOver()
                    return
                }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                open = ("string", line, column)
                var closed = false
                while position < bytes.count {
                    let next = try consumeLuaByte()
                    if next == UInt8(ascii: "\\") {
                        if position < bytes.count { _ = try consumeLuaByte() }
                    } else if next == byte {
                        closed = true
                        break
                    }
                }
                guard closed else { throw unterminated() }
                open = nil
            case UInt8(ascii: "-") where position < bytes.count && bytes[position] == UInt8(ascii: "-"):
                _ = try consumeLuaByte()
                if let level = longBracketLevel() {
                    open = ("comment", line, column)
                    guard try skipLongBracket(level: level) else { throw unterminated() }
                    open = nil
                } else {
                    while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { _ = try consumeLuaByte() }
                }
            case UInt8(ascii: "["):
                position -= 1  // the bracket is part of what longBracketLevel reads
                if let level = longBracketLevel() {
                    open = ("string", line, column)
                    guard try skipLongBracket(level: level) else { throw unterminated() }
                    open = nil
                } else {
                    position += 1
                }
            default:
                break
            }
        }
        throw unterminated()
    }

    /// Reads one byte of Lua code, keeping the line count and refusing control bytes as the
    /// tokenizer does everywhere else.
    private mutating func consumeLuaByte() throws(ConfigParseError) -> UInt8 {
        try consumeByte(expecting: "Lua code").byte
    }

    /// At `[`, `[=[`, `[==[`...: consumes the opening bracket and returns its level (the number
    /// of `=`); anything else is left unread and gives `nil`.
    private mutating func longBracketLevel() -> Int? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "[") else { return nil }
        var index = position + 1
        while index < bytes.count, bytes[index] == UInt8(ascii: "=") { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return nil }
        let level = index - position - 1
        position = index + 1  // brackets and '=' are ASCII on one line: no line to count
        return level
    }

    /// Reads through the `]`, `level` × `=`, `]` that closes a long bracket; `false` at the end of
    /// the input.
    private mutating func skipLongBracket(level: Int) throws(ConfigParseError) -> Bool {
        while position < bytes.count {
            guard try consumeLuaByte() == UInt8(ascii: "]") else { continue }
            var index = position
            while index < bytes.count, index - position < level, bytes[index] == UInt8(ascii: "=") { index += 1 }
            if index - position == level, index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                position = index + 1
                return true
            }
        }
        return false
    }
}
