import GreenroomCore
import GreenroomDeploy
import GreenroomServer
import Testing

/// `--metrics-port`, `GREENROOM_METRICS_PORT` and `app.metrics_port`: flags > environment > spec,
/// and the metrics listen on the app's host (127.0.0.1 beside a unix socket).
@Suite struct ServeFlagsMetricsTests {
    static let spec = """
        app:
          listen: {host: 127.0.0.2, port: 9000}
          metrics_port: 9100
        """

    @Test func noMetricsByDefault() throws {
        let configuration = try ServeFlags().configuration()
        #expect(configuration.metricsPort == nil)
        #expect(configuration.metricsBind == nil)
        #expect(configuration.metrics == nil)
        #expect(configuration.deploymentDescription().metricsBind == nil)
    }

    @Test func theSpecGivesThePortOnTheAppsHost() throws {
        let spec = try DeploymentSpec(yaml: Self.spec, file: "greenroom.yml")
        #expect(spec.app.metricsPort == 9100)
        #expect(spec.app.serveArguments.contains("--metrics-port"))
        let configuration = try ServeFlags().configuration(over: spec)
        #expect(configuration.metricsBind == .tcp(host: "127.0.0.2", port: 9100))
        #expect(configuration.deploymentDescription().metricsBind == .tcp(host: "127.0.0.2", port: 9100))
    }

    @Test func flagsBeatTheEnvironmentWhichBeatsTheSpec() throws {
        let spec = try DeploymentSpec(yaml: Self.spec, file: "greenroom.yml")
        let environment = try ServeFlags(environment: ["GREENROOM_METRICS_PORT": "9200"])
        #expect(environment.metricsPort == 9200)
        #expect(try ServeFlags().over(environment: environment).configuration(over: spec).metricsPort == 9200)
        var flags = ServeFlags()
        flags.metricsPort = 9300
        #expect(try flags.over(environment: environment).configuration(over: spec).metricsPort == 9300)
    }

    @Test func besideAUnixSocketTheMetricsAreOnLoopback() throws {
        var flags = ServeFlags()
        flags.unix = "/run/app/app.sock"
        flags.metricsPort = 9100
        #expect(try flags.configuration().metricsBind == .tcp(host: "127.0.0.1", port: 9100))
        flags.unix = nil
        flags.host = "::1"
        #expect(try flags.configuration().metricsBind == .tcp(host: "::1", port: 9100))
    }

    @Test func aBadValueIsRefusedNamingIt() throws {
        #expect(throws: ConfigurationError("GREENROOM_METRICS_PORT='lots' is not a whole number")) {
            try ServeFlags(environment: ["GREENROOM_METRICS_PORT": "lots"])
        }
        var flags = ServeFlags()
        flags.metricsPort = 70000
        #expect(throws: ConfigurationError("metrics-port must be a TCP port (0-65535), not 70000")) {
            try flags.configuration().validate()
        }
        flags.metricsPort = 8000
        #expect(throws: ConfigurationError("metrics-port 8000 is the app's own port: give the metrics another")) {
            try flags.configuration().validate()
        }
    }

    @Test func aSpecWithMetricsOffLoopbackIsRefusedNamingTheAddress() throws {
        let yaml =
            "app:\n  listen: {port: 8000}\n  hosts: {addresses: [10.0.0.11], balancers: [10.0.0.2]}\n  metrics_port: 9100\n"
        let error = try #require(specError { _ = try DeploymentSpec(yaml: yaml, file: "greenroom.yml") })
        #expect(error.code == .metricsNotLoopback)
        #expect("\(error)".contains("greenroom.yml:4:17"), "\(error)")
        #expect("\(error)".contains("10.0.0.11:9100"), "\(error)")
    }
}
