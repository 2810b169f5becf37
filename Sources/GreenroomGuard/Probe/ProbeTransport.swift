import GreenroomCore

/// Sends the probe's HTTP request; behind a protocol so tests can answer it themselves.
public protocol ProbeTransport: Sendable {
    /// `GET url` with exactly `headers` added, following no redirects, certificate not verified
    /// (the probe sends nothing secret and proxies are often probed as `localhost`).
    func get(
        _ url: String,
        headers: [(name: String, value: String)],
        timeout: Duration
    ) throws(ProbeError) -> ProbeResponse
}

/// An HTTP response to the probe.
public struct ProbeResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The response headers in order.
    public var headers: [(name: String, value: String)]
    /// The body as text.
    public var body: String

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: String) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}

/// The probe request could not be made or completed.
public struct ProbeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line: what failed.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
