#if Hummingbird
public import GreenroomCore
public import Hummingbird

/// The `/whoami` answer of `greenroom serve`: the client as one JSON object
/// (`ClientAddress.json` and a line end), `application/json`, byte for byte what `serve` sends.
///
/// ```swift
/// router.get("/whoami") { _, context in ClientAddressResponse(context.client) }
/// ```
public struct ClientAddressResponse: ResponseGenerator {
    /// The client.
    public var client: ClientAddress

    /// Creates the response for `client`.
    public init(_ client: ClientAddress) { self.client = client }

    /// The JSON response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body = ByteBuffer()
        body.reserveCapacity(320)
        client.writeJSON(into: &body)
        body.writeStaticString("\n")
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }
}
#endif
