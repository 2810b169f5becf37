import Foundation

/// One HTTP/1.1 response read off a ``RawConnection``.
struct RawResponse: Sendable, CustomStringConvertible {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    /// The first header named `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// `Connection: close` was sent: the server closes after this response.
    var closesConnection: Bool { header("connection")?.lowercased() == "close" }

    var description: String { "HTTP \(status) \(headers.map { "\($0.name): \($0.value)" }) \(text.debugDescription)" }

    /// A whole response at the start of `bytes` and how many bytes it took, or `nil` when more
    /// bytes are needed. Bodies are framed by `Content-Length` only (what Greenroom and nginx
    /// send for the built-in app); a chunked body is an error.
    static func parse(_ bytes: ArraySlice<UInt8>, bodiless: Bool = false) throws -> (RawResponse, Int)? {
        let start = bytes.startIndex
        guard let headEnd = headEnd(bytes) else { return nil }
        let lines = String(decoding: bytes[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines[0].split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
            throw HarnessError("not an HTTP response: \(lines[0].debugDescription)")
        }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                throw HarnessError("bad header line \(line.debugDescription)")
            }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            )
        }
        let response = RawResponse(status: status, headers: headers, body: [])
        let bodyStart = headEnd + 4
        if bodiless || status < 200 || status == 204 || status == 304 {
            return (response, bodyStart - start)
        }
        if response.header("transfer-encoding") != nil {
            throw HarnessError("chunked responses are not supported by this test client: \(response)")
        }
        guard let length = response.header("content-length").flatMap(Int.init) else {
            throw HarnessError("response without Content-Length: \(response)")
        }
        guard bytes.endIndex >= bodyStart + length else { return nil }
        let body = Array(bytes[bodyStart..<(bodyStart + length)])
        return (RawResponse(status: status, headers: headers, body: body), bodyStart + length - start)
    }

    private static func headEnd(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in bytes.startIndex...(bytes.endIndex - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}
