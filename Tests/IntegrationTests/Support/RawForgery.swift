import Foundation
import Testing

/// A forgery sent straight to the app's port with exact bytes (``RawExchange``), and what the
/// server must do with it. Every address a row forges starts with ``forgedPrefix``.
struct RawForgery: Sendable, CustomTestStringConvertible {
    /// The servers under attack, each started once per suite (``ServeFixture``).
    enum Target: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// Behind a local proxy (the default): trusts loopback, no PROXY protocol.
        case trustsLoopback = "trusts loopback"
        /// Trusts only a balancer elsewhere; the test client on 127.0.0.1 is nobody.
        case trustsAnotherAddress = "trusts 10.213.0.9"
        case proxyRequiredFromAnotherAddress = "PROXY required from 10.213.0.9"
        case proxyOptionalFromAnotherAddress = "PROXY optional from 10.213.0.9"
        case proxyRequiredFromLoopback = "PROXY required from loopback"

        var testDescription: String { rawValue }

        var flags: [String] {
            switch self {
            case .trustsLoopback: []
            case .trustsAnotherAddress: ["--trust", "10.213.0.9"]
            case .proxyRequiredFromAnotherAddress: ["--trust", "10.213.0.9", "--proxy-protocol", "required"]
            case .proxyOptionalFromAnotherAddress: ["--trust", "10.213.0.9", "--proxy-protocol", "optional"]
            case .proxyRequiredFromLoopback: ["--proxy-protocol", "required"]
            }
        }

        func running() async throws -> ServeFixture { try await ServeFixture.shared(rawValue, flags: flags) }
    }

    /// What the server must do with the bytes.
    enum Outcome: Sendable, CustomStringConvertible {
        /// Close (or reset) the connection without a byte of response.
        case closedWithoutResponse
        /// Answer 400 Bad Request.
        case badRequest
        /// Answer with exactly this error status and close.
        case status(Int)
        /// Answer with an error status (4xx/5xx) or close without a response; never serve it.
        case refused
        /// Serve it, reporting the socket peer as the client.
        case servedAsPeer
        /// Serve it, believing this client address (controls from a trusted peer).
        case believed(String)

        var description: String {
            switch self {
            case .closedWithoutResponse: "closed without a response"
            case .badRequest: "400"
            case .status(let status): "\(status) and a close"
            case .refused: "an error status or a close"
            case .servedAsPeer: "200 with client 127.0.0.1"
            case .believed(let client): "200 with client \(client)"
            }
        }
    }

    let name: String
    let bytes: [UInt8]
    let outcome: Outcome
    var testDescription: String { name }

    init(_ name: String, _ bytes: [UInt8], _ outcome: Outcome) {
        self.name = name
        self.bytes = bytes
        self.outcome = outcome
    }

    init(_ name: String, _ text: String, _ outcome: Outcome) {
        self.init(name, Array(text.utf8), outcome)
    }

    /// The documentation range (RFC 5737) every forged address is taken from.
    static let forgedPrefix = "198.51.100."

    /// Sends the bytes to `target` and checks the outcome; a forged address may come back as the
    /// client only where the row expects it to be believed.
    func send(to target: Target, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let app = try await target.running()
        let reply = try await RawExchange.exchange(port: app.port, bytes)
        let message = "\(target.rawValue), \(name): expected \(outcome), got \(reply)"
        #expect(reply.ending != .timedOut, "neither answered nor closed: \(message)", sourceLocation: sourceLocation)
        let text = String(decoding: reply.bytes, as: UTF8.self)
        var believed: String?
        if case .believed(let client) = outcome { believed = client }
        for field in text.split(separator: "\"client\":").dropFirst() {
            let client = field.split(separator: "\"").first.map(String.init) ?? ""
            #expect(
                !client.hasPrefix(Self.forgedPrefix) || client == believed,
                "believed a forgery: \(message)",
                sourceLocation: sourceLocation
            )
        }
        switch outcome {
        case .closedWithoutResponse:
            #expect(reply.closedWithoutResponse, "\(message)", sourceLocation: sourceLocation)
        case .badRequest:
            #expect(reply.status == 400 && !text.contains("\"client\""), "\(message)", sourceLocation: sourceLocation)
        case .status(let status):
            #expect(
                reply.status == status && reply.ending != .timedOut && !text.contains("\"client\""),
                "\(message)",
                sourceLocation: sourceLocation
            )
        case .refused:
            let refused = reply.closedWithoutResponse || (reply.status.map { $0 >= 400 } ?? false)
            #expect(refused && !text.contains("\"client\""), "\(message)", sourceLocation: sourceLocation)
        case .servedAsPeer, .believed:
            let response = try #require(
                reply.response,
                "\(message)\n\(app.server.output)",
                sourceLocation: sourceLocation
            )
            #expect(response.status == 200, "\(message)", sourceLocation: sourceLocation)
            #expect(
                try response.jsonString("client") == believed ?? "127.0.0.1",
                "\(message)",
                sourceLocation: sourceLocation
            )
        }
    }
}
