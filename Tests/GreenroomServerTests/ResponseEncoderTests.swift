import NIOCore
import NIOHTTP1
import Testing

@testable import GreenroomServer

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ResponseEncoderTests {
    @Test(arguments: [0, 7, 10, 99, 100, 12345, 1_000_000_007, Int(Int32.max)])
    func decimalsAreWrittenExactly(_ value: Int) {
        var buffer = ByteBuffer()
        ResponseEncoder.writeDecimal(value, into: &buffer)
        #expect(String(buffer: buffer) == String(value))
    }

    @Test func headHasStatusServerDateHeadersAndLength() throws {
        var buffer = ByteBuffer()
        try ResponseEncoder.writeHead(
            into: &buffer,
            status: .created,
            headers: ["x-a": "1"],
            scan: .init(),
            serverLine: Array("Server: t\r\n".utf8),
            framing: .length(5),
            keepAlive: true,
            http10: false
        )
        let text = String(buffer: buffer)
        #expect(text.hasPrefix("HTTP/1.1 201 Created\r\nServer: t\r\nDate: "))
        #expect(text.hasSuffix(" GMT\r\nx-a: 1\r\nContent-Length: 5\r\n\r\n"))
    }

    @Test func applicationFramingHeadersAreReplaced() throws {
        var buffer = ByteBuffer()
        let headers: HTTPHeaders = ["Content-Length": "999", "Transfer-Encoding": "gzip", "Connection": "close"]
        let scan = ResponseEncoder.scan(headers)
        #expect(scan.wantsClose)
        try ResponseEncoder.writeHead(
            into: &buffer,
            status: .ok,
            headers: headers,
            scan: scan,
            serverLine: nil,
            framing: .chunked,
            keepAlive: false,
            http10: false
        )
        let text = String(buffer: buffer)
        #expect(!text.contains("999"))
        #expect(!text.contains("gzip"))
        #expect(text.contains("Transfer-Encoding: chunked\r\n"))
        #expect(text.contains("Connection: close\r\n"))
    }

    @Test(arguments: [("x-a", "ok\r\nInjected: 1"), ("x-a", "nul\u{0}"), ("bad name", "v"), ("", "v"), ("x\r\n", "v")])
    func unsendableHeadersAreRefused(_ name: String, _ value: String) {
        var buffer = ByteBuffer()
        #expect(throws: ResponseEncoder.InvalidHeader.self) {
            try ResponseEncoder.writeHead(
                into: &buffer,
                status: .ok,
                headers: HTTPHeaders([(name, value)]),
                scan: .init(),
                serverLine: nil,
                framing: .length(0),
                keepAlive: true,
                http10: false
            )
        }
    }

    @Test func applicationDateAndServerWin() throws {
        var buffer = ByteBuffer()
        let headers: HTTPHeaders = ["date": "yesterday", "server": "mine"]
        try ResponseEncoder.writeHead(
            into: &buffer,
            status: .ok,
            headers: headers,
            scan: ResponseEncoder.scan(headers),
            serverLine: Array("Server: greenroom\r\n".utf8),
            framing: .none,
            keepAlive: true,
            http10: true
        )
        let text = String(buffer: buffer)
        #expect(!text.contains("greenroom"))
        #expect(text.components("Date") + text.components("date") == 1)
        #expect(text.contains("Connection: keep-alive\r\n"))
    }

    @Test func chunksAreFramed() {
        var buffer = ByteBuffer()
        ResponseEncoder.writeChunk(ByteBuffer(string: String(repeating: "x", count: 26)), into: &buffer)
        #expect(String(buffer: buffer) == "1a\r\n\(String(repeating: "x", count: 26))\r\n")
    }

    @Test func dateIsIMFFixdate() {
        var parts = tm()
        parts.tm_year = 94
        parts.tm_mon = 10
        parts.tm_mday = 6
        parts.tm_hour = 8
        parts.tm_min = 49
        parts.tm_sec = 37
        parts.tm_wday = 0
        #expect(String(decoding: DateCache.format(parts), as: UTF8.self) == "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n")
        #expect(DateCache.current.line.count == 37)
    }
}
