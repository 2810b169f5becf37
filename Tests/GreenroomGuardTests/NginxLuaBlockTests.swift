import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// OpenResty's `*_by_lua_block` directives hold Lua code: the parser reads past it as
/// lua-nginx-module does, instead of failing on Lua's quotes or reading `$` in it as nginx
/// variables.
@Suite struct NginxLuaBlockTests {
    @Test func luaCodeIsReadPastWithItsStringsCommentsAndBraces() throws {
        let text = """
            server {
                set $Target "a";
                location / {
                    content_by_lua_block {
                        local t = { a = "}", b = '{', c = [[ } ]], d = [==[ ]] } ]==] }
                        -- a comment with a } and a "quote
                        --[[ a long
                        comment } ]]
                        ngx.say("$Target is ", ngx.var.target, "\\" }")
                    }
                    proxy_pass http://127.0.0.1:8000;
                }
                set_by_lua_block $sum { return 1 + 2 }
            }
            """
        let directives = try NginxParser.parse(text, file: "lua.conf")
        let server = try #require(directives.first?.block)
        let location = try #require(server.first { $0.name == "location" }?.block)
        #expect(location.map(\.name) == ["content_by_lua_block", "proxy_pass"])
        #expect(location[0].block == [])
        #expect(location[1].location == SourceLocation(file: "lua.conf", line: 11, column: 9))
        let sum = try #require(server.last)
        #expect(sum.name == "set_by_lua_block" && sum.values == ["$sum"] && sum.block == [])
    }

    @Test(arguments: [
        ("content_by_lua_block { ngx.say('x') ", "unexpectedEndOfFile", 1, 1),
        ("a {\n  content_by_lua_block {\n    ngx.say(\"}\n}\n", "unexpectedEndOfFile", 3, 13),
        ("content_by_lua_block { --[[ never closed }\n", "unexpectedEndOfFile", 1, 24),
        ("content_by_lua_block { x = [=[ ]] }\n", "unexpectedEndOfFile", 1, 28),
        ("content_by_lua_block { x = 1\u{1} }", "binaryData", 1, 29),
    ])
    func anUnclosedLuaBlockIsLocated(_ text: String, _ code: String, _ line: Int, _ column: Int) throws {
        let error = try #require(throws: ConfigParseError.self) { try NginxParser.parse(text, file: "lua.conf") }
        #expect(error.code.name == code, "\(error)")
        #expect(error.location == SourceLocation(file: "lua.conf", line: line, column: column), "\(error)")
    }

    @Test func theRulesDoNotReadLua() throws {
        // GR123 (one variable in two cases) would read "$Target" in the Lua string as a second
        // spelling of $target.
        let text = """
            server {
                listen 80;
                set $target "a";
                location / {
                    content_by_lua_block { ngx.say("$Target") }
                    add_header X-Target $target;
                }
            }
            """
        let config = try NginxConfig.load(
            "/etc/nginx/lua.conf",
            fileSystem: InMemoryFileSystem(texts: ["/etc/nginx/lua.conf": text])
        )
        #expect(NginxChecker(inferApp: true).check(config).map(\.rule) == [])
    }
}
