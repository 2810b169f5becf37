import GreenroomCore
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import GreenroomServer

/// Several listeners in one server (`serve --host 127.0.0.1 --host ::1`): every address is bound
/// on the same port, served, judged by the policy and stopped together.
@Suite struct ServerListenersTests {
    @Test func bothLoopbackAddressesAreServedOnOnePort() async throws {
        var configuration = TestServer.configuration(.tcp(host: "127.0.0.1", port: 0))
        configuration.additionalHosts = ["::1"]
        try await TestServer.with(configuration) { server in
            guard case .tcp(_, let port) = server.bound else {
                Issue.record("not TCP: \(server.bound)")
                return
            }
            for target in [BindTarget.tcp(host: "127.0.0.1", port: port), .tcp(host: "::1", port: port)] {
                let client = try await TestClient.connect(to: target)
                try await client.send("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                let response = try #require(try await client.readResponse())
                #expect(response.status == 200, "\(target)")
                await client.close()
            }
            #expect(server.logs.messages("listening").count == 2)
        }
    }

    @Test func theSecondAddressIsJudgedByThePolicy() {
        var configuration = ServerConfiguration(bind: .tcp(host: "127.0.0.1", port: 8000))
        configuration.additionalHosts = ["0.0.0.0"]
        let violations = configuration.policyViolations(effectiveUserID: 1000)
        #expect(violations.contains { $0.rule == .specWildcardBind && "\($0)".contains("0.0.0.0") }, "\(violations)")
    }

    @Test(arguments: [
        (BindTarget.unix(path: "/tmp/x.sock"), ["::1"]),
        (.tcp(host: "127.0.0.1", port: 8000), ["127.0.0.1"]),
        (.tcp(host: "127.0.0.1", port: 8000), ["localhost"]),
        (.tcp(host: "127.0.0.1", port: 8000), ["example.com"]),
    ])
    func invalidAdditionalHostsAreRefused(bind: BindTarget, hosts: [String]) {
        var configuration = ServerConfiguration(bind: bind)
        configuration.additionalHosts = hosts
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}

extension ServerListenersTests {
    /// The second address is taken: the server does not start half-bound, it throws naming that
    /// address and gives the first one back.
    @Test func aSecondAddressInUseFailsTheStartAndFreesTheFirst() async throws {
        let squatter = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "::1", port: 0).get()
        let port = try #require(squatter.localAddress?.port)
        var configuration = TestServer.configuration(.tcp(host: "127.0.0.1", port: port))
        configuration.additionalHosts = ["::1"]
        let server = HTTPServer(configuration: configuration, logger: Logger(label: "test")) { _ in .text("") }
        do {
            try await server.run()
            Issue.record("started although [::1]:\(port) is taken")
        } catch let error as ServerStartError {
            #expect(error.message.contains("[::1]:\(port)"), "\(error)")
        }
        try await squatter.close()
        // The first address was closed again: binding it now succeeds.
        let again = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: port).get()
        try await again.close()
    }
}

extension ServerListenersTests {
    @Test func aReloadThatChangesTheAddressesAsksForARestart() async throws {
        var configuration = TestServer.configuration(.tcp(host: "127.0.0.1", port: 0))
        configuration.additionalHosts = ["::1"]
        try await TestServer.with(configuration) { server in
            var next = server.server.configuration
            next.additionalHosts = []
            #expect {
                try server.server.reload(to: next)
            } throws: { error in
                "\(error)".contains("the other addresses") && "\(error)".contains("restart")
            }
            let same = server.server.configuration
            _ = try server.server.reload(to: same)
        }
    }
}
