import GreenroomCore
import GreenroomDeploy
import GreenroomServer
import Testing

/// `GREENROOM_*` variables: flags > environment > spec > defaults, and a bad value names its variable.
@Suite struct ServeFlagsEnvironmentTests {
    static let spec = """
        app:
          listen: {host: 127.0.0.2, port: 9000}
          limits: {max_connections: 500, body_timeout: 7s}
        """

    @Test(arguments: [
        ("--body-timeout", "GREENROOM_BODY_TIMEOUT"), ("host", "GREENROOM_HOST"),
        ("allow-wildcard-bind", "GREENROOM_ALLOW_WILDCARD_BIND"),
    ])
    func namesComeFromTheFlag(flag: String, name: String) {
        #expect(ServeFlags.environmentName(flag: flag) == name)
    }

    @Test func theEnvironmentOverridesTheSpec() throws {
        let spec = try DeploymentSpec(yaml: Self.spec, file: "greenroom.yml")
        let environment = try ServeFlags(environment: [
            "GREENROOM_PORT": "9100", "GREENROOM_BODY_TIMEOUT": "2.5", "GREENROOM_TRUST": "loopback, 10.0.0.2",
        ])
        let configuration = try ServeFlags().over(environment: environment).configuration(over: spec)
        #expect(configuration.bind == .tcp(host: "127.0.0.2", port: 9100), "the spec's host, the variable's port")
        #expect(configuration.bodyTimeout == .milliseconds(2500))
        #expect(configuration.maxConnections == 500, "the spec where no variable is set")
        #expect(configuration.trustedProxies == (try TrustedProxies(parsing: ["loopback", "10.0.0.2"])))
    }

    @Test func flagsOverrideTheEnvironment() throws {
        let environment = try ServeFlags(environment: ["GREENROOM_PORT": "9100", "GREENROOM_TRUST": "10.0.0.2"])
        var flags = ServeFlags()
        flags.port = 9200
        flags.trust = ["loopback"]
        let configuration = try flags.over(environment: environment).configuration()
        #expect(configuration.bind == .tcp(host: "127.0.0.1", port: 9200))
        #expect(configuration.trustedProxies == (try TrustedProxies(parsing: ["loopback"])))
    }

    @Test func noVariablesAreTheDefaults() throws {
        let environment = try ServeFlags(environment: ["PATH": "/bin", "GREENROOM_PORT": ""])
        #expect(environment == ServeFlags())
        #expect(try ServeFlags().over(environment: environment).configuration() == ServerConfiguration())
    }

    @Test func switchesAndOptIns() throws {
        let environment = try ServeFlags(environment: [
            "GREENROOM_ALLOW_PUBLIC": "true", "GREENROOM_ALLOW_WILDCARD_BIND": "1",
            "GREENROOM_TRUST_PUBLIC_RANGES": "no",
        ])
        #expect(environment.allowPublic)
        #expect(environment.optIns == [.wildcardBind])
    }

    @Test func theClusterOptInComesFromTheEnvironmentToo() throws {
        let environment = try ServeFlags(environment: ["GREENROOM_CLUSTER": "1"])
        #expect(environment.cluster)
        #expect(ServeFlags().over(environment: environment).cluster)
        #expect(try !ServeFlags(environment: [:]).cluster)
        #expect(throws: ConfigurationError("GREENROOM_CLUSTER='pod' is not one of 1, true, yes, 0, false, no")) {
            try ServeFlags(environment: ["GREENROOM_CLUSTER": "pod"])
        }
    }

    @Test(arguments: [
        ("GREENROOM_PORT", "eighty", "GREENROOM_PORT='eighty' is not a whole number"),
        ("GREENROOM_BODY_TIMEOUT", "soon", "GREENROOM_BODY_TIMEOUT='soon' is not a number of seconds"),
        ("GREENROOM_PROXY_PROTOCOL", "maybe", "GREENROOM_PROXY_PROTOCOL='maybe' is not one of off, optional, required"),
        ("GREENROOM_ALLOW_PUBLIC", "sure", "GREENROOM_ALLOW_PUBLIC='sure' is not one of 1, true, yes, 0, false, no"),
    ])
    func aBadValueNamesTheVariable(name: String, value: String, message: String) {
        #expect(throws: ConfigurationError(message)) { try ServeFlags(environment: [name: value]) }
    }

    /// Kubernetes puts `<SERVICE>_PORT=tcp://...` into every pod of a namespace for each Service
    /// (service links): a Service named `greenroom` sets GREENROOM_PORT. The error says so.
    @Test func aKubernetesServiceLinkInGreenroomPortIsExplained() {
        let message =
            "GREENROOM_PORT='tcp://10.96.0.12:80' is not a whole number: it is the service link Kubernetes sets "
            + "for a Service named greenroom; set enableServiceLinks: false in the pod (greenroom generate "
            + "kubernetes does) or set GREENROOM_PORT in the container's env"
        #expect(throws: ConfigurationError(message)) {
            try ServeFlags(environment: ["GREENROOM_PORT": "tcp://10.96.0.12:80"])
        }
    }
}
