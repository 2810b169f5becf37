import GreenroomCore
import GreenroomDeploy
import GreenroomServer
import Testing

/// Several listening addresses (`--host` repeated, `GREENROOM_HOST` with commas, the spec's
/// `listen.hosts`): flags > environment > spec > defaults, for the whole list.
@Suite struct ServeFlagsHostsTests {
    static let spec = """
        app:
          listen: {hosts: [127.0.0.1, "::1"], port: 9000}
        """

    @Test func theSpecsHostsAreAllListenedOn() throws {
        let spec = try DeploymentSpec(yaml: Self.spec, file: "greenroom.yml")
        let configuration = try ServeFlags().configuration(over: spec)
        #expect(configuration.bind == .tcp(host: "127.0.0.1", port: 9000))
        #expect(configuration.additionalHosts == ["::1"])
        #expect(configuration.binds == [.tcp(host: "127.0.0.1", port: 9000), .tcp(host: "::1", port: 9000)])
    }

    @Test func theEnvironmentListOverridesTheSpecs() throws {
        let spec = try DeploymentSpec(yaml: Self.spec, file: "greenroom.yml")
        let environment = try ServeFlags(environment: ["GREENROOM_HOST": " ::1 , 127.0.0.1"])
        let configuration = try ServeFlags().over(environment: environment).configuration(over: spec)
        #expect(configuration.bind == .tcp(host: "::1", port: 9000), "the variable's hosts, the spec's port")
        #expect(configuration.additionalHosts == ["127.0.0.1"])
    }

    @Test func flagsOverrideTheWholeList() throws {
        let spec = try DeploymentSpec(yaml: Self.spec, file: "greenroom.yml")
        let environment = try ServeFlags(environment: ["GREENROOM_HOST": "127.0.0.1,::1"])
        var flags = ServeFlags()
        flags.host = "127.0.0.1"
        let single = try flags.over(environment: environment).configuration(over: spec)
        #expect(single.binds == [.tcp(host: "127.0.0.1", port: 9000)], "one --host replaces both lists")
        flags.additionalHosts = ["::1"]
        let both = try flags.over(environment: ServeFlags()).configuration()
        #expect(both.binds == [.tcp(host: "127.0.0.1", port: 8000), .tcp(host: "::1", port: 8000)])
    }

    @Test func aPortAloneKeepsTheSpecsList() throws {
        let spec = try DeploymentSpec(yaml: Self.spec, file: "greenroom.yml")
        var flags = ServeFlags()
        flags.port = 9100
        let configuration = try flags.configuration(over: spec)
        #expect(configuration.binds == [.tcp(host: "127.0.0.1", port: 9100), .tcp(host: "::1", port: 9100)])
    }

    @Test func oneHostIsUnchanged() throws {
        let environment = try ServeFlags(environment: ["GREENROOM_HOST": "127.0.0.1"])
        #expect(environment.host == "127.0.0.1")
        #expect(environment.additionalHosts.isEmpty)
        #expect(try ServeFlags().configuration().binds == [.tcp(host: "127.0.0.1", port: 8000)])
    }

    @Test(arguments: ["127.0.0.1,", ",::1", "127.0.0.1,,::1"])
    func anEmptyAddressInTheVariableIsRefused(_ text: String) {
        #expect(throws: ConfigurationError.self) { try ServeFlags(environment: ["GREENROOM_HOST": text]) }
    }

    @Test func hostAndHostsTogetherIsALocatedSpecError() throws {
        let yaml = """
            app:
              listen:
                host: 127.0.0.1
                hosts: ["::1"]
            """
        do {
            _ = try DeploymentSpec(yaml: yaml, file: "greenroom.yml")
            Issue.record("host and hosts together were accepted")
        } catch {
            #expect("\(error)".contains("greenroom.yml:4"), "\(error)")
            #expect("\(error)".contains("app.listen.hosts"), "\(error)")
        }
    }

    @Test(arguments: [
        ("hosts: []", "at least one"), ("hosts: [127.0.0.1, 127.0.0.1]", "twice"),
        ("hosts: [127.0.0.1, example.com]", "not a name"), ("{hosts: [\"::1\"], unix: /run/a.sock}", "not both"),
    ])
    func badHostsListsAreLocatedSpecErrors(listen: String, says: String) throws {
        let yaml = listen.hasPrefix("{") ? "app:\n  listen: \(listen)\n" : "app:\n  listen:\n    \(listen)\n"
        do {
            _ = try DeploymentSpec(yaml: yaml, file: "greenroom.yml")
            Issue.record("accepted: \(listen)")
        } catch {
            #expect("\(error)".contains("greenroom.yml:"), "\(error)")
            #expect("\(error)".contains(says), "\(error)")
        }
    }
}

extension ServeFlagsHostsTests {
    @Test func unixReplacesTheSpecsHosts() throws {
        let spec = try DeploymentSpec(yaml: Self.spec, file: "greenroom.yml")
        var flags = ServeFlags()
        flags.unix = "/tmp/app.sock"
        let configuration = try flags.configuration(over: spec)
        #expect(configuration.binds == [.unix(path: "/tmp/app.sock")])
        try configuration.validate()
    }
}
