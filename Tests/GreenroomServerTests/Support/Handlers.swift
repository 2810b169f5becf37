import GreenroomServer
import NIOCore
import NIOHTTP1

/// Test handlers.
enum Handlers {
    /// Echoes the body (streamed) with the request's method, path and header names.
    static let echo = ClosureHandler { request in
        var collected = ByteBuffer()
        for try await var part in request.body { collected.writeBuffer(&part) }
        let headerNames = request.headers.map { $0.name.lowercased() }.joined(separator: ",")
        return Response(
            headers: ["x-method": request.method.rawValue, "x-path": String(request.path), "x-headers": headerNames],
            body: ResponseBody(bytes: collected)
        )
    }

    /// Answers after a delay given as `?ms=N` (default 200 ms).
    static let slow = ClosureHandler { request in
        let millis =
            request.query.flatMap { query in
                query.split(separator: "=").last.flatMap { Int($0) }
            } ?? 200
        try await Task.sleep(for: .milliseconds(millis))
        return .text("slept \(millis)")
    }
}
