import Foundation

/// `greenroom serve --port 0 <flags>` shared by a suite (``SharedFixtures``): started once on
/// first use, stopped when the suite ends.
final class ServeFixture: SuiteFixture, @unchecked Sendable {
    let server: ServeProcess
    /// The port it picked on 127.0.0.1.
    let port: UInt16
    private let scratch: TemporaryDirectory

    private init(server: ServeProcess, port: UInt16, scratch: TemporaryDirectory) {
        self.server = server
        self.port = port
        self.scratch = scratch
    }

    /// The suite's server named `key`, running with `flags`.
    static func shared(_ key: String, flags: [String]) async throws -> ServeFixture {
        try await SharedFixtures.fixture("serve " + key) {
            let scratch = try TemporaryDirectory("greenroom-serve")
            let server = try await ServeProcess.start(
                ["--port", "0"] + flags,
                readiness: .startupLine,
                logDirectory: scratch
            )
            guard let port = server.url.split(separator: ":").last.flatMap({ UInt16($0) }) else {
                server.stop()
                throw HarnessError("no port in the start-up line: \(server.output)")
            }
            return ServeFixture(server: server, port: port, scratch: scratch)
        }
    }

    func stop() { server.stop() }
}
