// Embedding Greenroom's server in your own app: a custom handler in a few lines.
// Run: swift run greenroom-example   (then: curl -H 'X-Forwarded-For: 198.51.100.7' http://127.0.0.1:8000/)
import GreenroomServer
import Logging

let server = HTTPServer(configuration: ServerConfiguration(), logger: Logger(label: "example")) { request in
    switch (request.method, request.path) {
    case (.GET, "/"):
        return .text("Hello, \(request.client)! (\(request.client.via))\n")
    case (.POST, "/echo"):
        return Response(body: ResponseBody(bytes: try await request.body.collect(upTo: 1 << 20)))
    default:
        return .text("Not Found\n", status: .notFound)
    }
}
try await server.runUntilTerminated()  // SIGTERM/SIGINT: finish in-flight requests, then exit
