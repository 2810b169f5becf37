import NIOCore
import NIOHTTP1

/// The connection task's reading end: hands request heads to the connection loop and body
/// parts to the current request's ``RequestBody``.
///
/// Both are used from the connection's task only (the handler runs inline on it), which is why
/// the unchecked `Sendable` is sound as long as a handler does not pass its body to another task
/// and read it after returning; that is refused with ``HTTPServerError/bodyNotAvailable``.
final class InboundReader: @unchecked Sendable {
    /// The current request's body. Transitions: `none` → `reading` (head) → `finished` (end) or
    /// `failed` (a failure, EOF) → `none` (next head).
    enum BodyState {
        case none
        case reading(expectContinue: Bool)
        case finished
        case failed(HTTPFailure?)
    }

    private let bridge: ConnectionBridge
    private(set) var bodyState: BodyState = .none
    private(set) var sequence = 0
    /// The interim `100 Continue` was sent for the current request.
    private(set) var sentContinue = false

    init(bridge: ConnectionBridge) {
        self.bridge = bridge
    }

    /// The next part for the connection loop (heads, PROXY info, failures).
    func next() async throws -> RequestPart? {
        try await bridge.nextRequest()
    }

    /// Starts a request's body; returns its body stream.
    func beginRequest(expectContinue: Bool) -> RequestBody {
        sequence &+= 1
        sentContinue = false
        bodyState = .reading(expectContinue: expectContinue)
        return RequestBody(source: self, sequence: sequence)
    }

    /// The next body part of request `sequence`, `nil` at its end.
    func nextBodyPart(for sequence: Int) async throws -> ByteBuffer? {
        guard sequence == self.sequence else { throw HTTPServerError.bodyNotAvailable }
        switch bodyState {
        case .none: throw HTTPServerError.bodyNotAvailable
        case .finished: return nil
        case .failed(let failure): throw Self.error(for: failure)
        case .reading(let expectContinue):
            if expectContinue && !sentContinue {
                sentContinue = true
                try await bridge.write(ResponseWrite(bytes: ResponseEncoder.continueBytes, kind: .informational))
            }
        }
        return try await readBodyPart()
    }

    /// Discards what the handler left of the body. Returns `false` when the connection cannot
    /// carry another request (the body failed, or the client still waits for `100 Continue`).
    func finishBody() async throws -> Bool {
        while true {
            switch bodyState {
            case .none, .finished: return true
            case .failed: return false
            case .reading(let expectContinue):
                if expectContinue && !sentContinue { return false }
                do {
                    _ = try await readBodyPart()
                } catch {
                    return false
                }
            }
        }
    }

    /// The failure that ended the body, if any.
    var bodyFailure: HTTPFailure? {
        if case .failed(let failure) = bodyState { return failure }
        return nil
    }

    private func readBodyPart() async throws -> ByteBuffer? {
        let part: RequestPart?
        do {
            part = try await bridge.next()
        } catch {
            bodyState = .failed(nil)
            throw HTTPServerError.connectionClosed
        }
        switch part {
        case .body(let buffer):
            return buffer
        case .end:
            bodyState = .finished
            return nil
        case .failure(let failure):
            bodyState = .failed(failure)
            throw Self.error(for: failure)
        case .head, .peer, nil:
            bodyState = .failed(nil)
            throw HTTPServerError.connectionClosed
        }
    }

    private static func error(for failure: HTTPFailure?) -> HTTPServerError {
        switch failure {
        case .bodyTooLarge: .bodyTooLarge
        case .badRequest, .headerTooLarge, .headerTimeout, .versionNotSupported, .notImplemented, .bodyTimeout:
            .malformedBody
        case nil: .connectionClosed
        }
    }
}
