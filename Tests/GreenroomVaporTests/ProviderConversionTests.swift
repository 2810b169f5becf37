#if Vapor
import GreenroomCore
import GreenroomServer
import NIOCore
import Testing
import Vapor

/// A Vapor request and response crossing Greenroom's server: bodies, methods, errors, limits.
@Suite struct ProviderConversionTests {
    static func routes(_ app: Application) {
        app.on(.POST, "echo", body: .collect(maxSize: "1mb")) { req in req.body.string ?? "" }
        app.get("stream") { _ in
            Vapor.Response(
                body: .init(asyncStream: { writer in
                    try await writer.write(.buffer(ByteBuffer(string: "one ")))
                    try await writer.write(.buffer(ByteBuffer(string: "two")))
                    try await writer.write(.end)
                })
            )
        }
        app.get("fail") { _ -> String in throw Abort(.imATeapot, reason: "no") }
        app.get("query") { req in req.url.query ?? "" }
    }

    @Test func aRequestBodyReachesTheRoute() async throws {
        try await VaporTestApp.with(.provider, routes: Self.routes) { app in
            let fixed = try await app.request("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
            #expect(fixed?.body == "hello")
            let chunked = try await app.request(
                "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
            )
            #expect(chunked?.body == "abcde")
        }
    }

    @Test func aBodyOverGreenroomsLimitIs413() async throws {
        var configuration = VaporTestApp.configuration()
        configuration.maxBodyBytes = 4
        try await VaporTestApp.with(.provider, configuration, routes: Self.routes) { app in
            let response = try await app.request("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
            #expect(response?.status == 413)
        }
    }

    @Test func streamedResponsesErrorsQueriesAndHeadAreVaporsAnswers() async throws {
        try await VaporTestApp.with(.provider, routes: Self.routes) { app in
            #expect(try await app.request("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")?.body == "one two")
            #expect(try await app.request("GET /fail HTTP/1.1\r\nHost: t\r\n\r\n")?.status == 418)
            #expect(try await app.request("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n")?.status == 404)
            #expect(try await app.request("GET /query?a=1&b=2 HTTP/1.1\r\nHost: t\r\n\r\n")?.body == "a=1&b=2")
            let client = try await app.connect()
            try await client.send("HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try await client.readResponse(toHead: true)
            #expect(head?.status == 200)
            await client.close()
        }
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        try await VaporTestApp.with(.provider) { app in
            let client = try await app.connect()
            for _ in 0..<3 {
                try await client.send("GET /whoami HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n")
                let body = try #require(try await client.readResponse()).body
                #expect(try Whoami(json: body).client == "198.51.100.7")
            }
            await client.close()
        }
    }
}
#endif
