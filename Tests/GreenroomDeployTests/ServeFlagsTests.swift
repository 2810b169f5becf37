import GreenroomCore
import GreenroomDeploy
import GreenroomServer
import Testing

/// `greenroom serve`'s precedence: flags win over the spec, the spec over the defaults.
@Suite struct ServeFlagsTests {
    static let spec = """
        app:
          listen: {host: 127.0.0.2, port: 9000}
          trust: [loopback, unix]
          hops: 1
          limits: {max_connections: 500, header_timeout: 7s}
        """

    @Test func noSpecAndNoFlagsAreTheDefaults() throws {
        #expect(try ServeFlags().configuration() == ServerConfiguration())
    }

    @Test func theSpecOverridesTheDefaults() throws {
        let spec = try DeploymentSpec(yaml: Self.spec, file: "greenroom.yml")
        let configuration = try ServeFlags().configuration(over: spec)
        #expect(configuration.bind == .tcp(host: "127.0.0.2", port: 9000))
        #expect(configuration.trustedProxies == (try TrustedProxies(parsing: ["loopback", "unix"])))
        #expect(configuration.hops == 1)
        #expect(configuration.maxConnections == 500)
        #expect(configuration.headerTimeout == .seconds(7))
        #expect(configuration == (try ServerConfiguration(spec: spec)))
    }

    @Test func flagsOverrideTheSpecOneValueAtATime() throws {
        let spec = try DeploymentSpec(yaml: Self.spec, file: "greenroom.yml")
        var flags = ServeFlags()
        flags.port = 9100
        flags.trust = ["10.0.0.2"]
        flags.maxConnections = 20
        flags.headerTimeout = 2.5
        flags.optIns = [.trustPublicRanges]
        let configuration = try flags.configuration(over: spec)
        #expect(configuration.bind == .tcp(host: "127.0.0.2", port: 9100), "the spec's host, the flag's port")
        #expect(configuration.trustedProxies == (try TrustedProxies(parsing: ["10.0.0.2"])))
        #expect(configuration.maxConnections == 20)
        #expect(configuration.headerTimeout == .milliseconds(2500))
        #expect(configuration.hops == 1, "not given as a flag: the spec's")
        #expect(configuration.optIns == [.trustPublicRanges])
        flags.unix = "/run/app/app.sock"
        #expect(try flags.configuration(over: spec).bind == .unix(path: "/run/app/app.sock"))
    }

    @Test func allowPublicWithoutTrustOrSpecTrustsNobody() throws {
        var flags = ServeFlags()
        flags.allowPublic = true
        #expect(try flags.configuration().trustedProxies == .none)
    }

    @Test func badFlagValuesNameTheFlag() {
        var flags = ServeFlags()
        flags.trust = ["nonsense"]
        #expect { try flags.configuration() } throws: { "\($0)".hasPrefix("--trust: ") }
        flags = ServeFlags()
        flags.idleTimeout = -1
        #expect { try flags.configuration() } throws: { "\($0)" == "--idle-timeout -1.0 is not a number of seconds" }
    }

    @Test func appHostsNeedThisHostsAddress() throws {
        let yaml = """
            app:
              listen: {port: 8000}
              hosts: {addresses: [10.0.0.11, 10.0.0.12], balancers: [10.0.0.2]}
            proxy:
              kind: nginx
            """
        let spec = try DeploymentSpec(yaml: yaml, file: "hosts.yml")
        #expect { try ServerConfiguration(spec: spec) } throws: {
            "\($0)".hasPrefix("hosts.yml: app.hosts lists 10.0.0.11")
        }
        #expect { try ServerConfiguration(spec: spec, host: "10.0.0.99") } throws: {
            "\($0)".hasPrefix("--host 10.0.0.99 is not one of app.hosts in hosts.yml")
        }
        var flags = ServeFlags()
        flags.host = "10.0.0.12"
        #expect(try flags.configuration(over: spec).bind == .tcp(host: "10.0.0.12", port: 8000))
    }
}
