import GreenroomConfigParsing
import GreenroomCore
import GreenroomDeploy
import Testing

/// One bad spec and the exact error it must produce.
struct BadSpec: CustomTestStringConvertible, Sendable {
    let name: String
    let yaml: String
    let code: SpecError.Code
    let keyPath: String
    let position: String  // line:column
    var testDescription: String { name }
}

@Suite struct SpecErrorTests {
    static let cases: [BadSpec] = [
        BadSpec(
            name: "unknown top-level key",
            yaml: "app: {}\nprox: {}\n",
            code: .unknownKey,
            keyPath: "prox",
            position: "2:1"
        ),
        BadSpec(
            name: "unknown nested key",
            yaml: "app:\n  listen:\n    prot: 8000\n",
            code: .unknownKey,
            keyPath: "app.listen.prot",
            position: "3:5"
        ),
        BadSpec(
            name: "duplicate key",
            yaml: "app:\n  name: a\n  name: b\n",
            code: .duplicateKey,
            keyPath: "name",
            position: "2:3"
        ),
        BadSpec(
            name: "port not a number",
            yaml: "app:\n  listen:\n    port: http\n",
            code: .wrongType,
            keyPath: "app.listen.port",
            position: "3:11"
        ),
        BadSpec(
            name: "port out of range",
            yaml: "app:\n  listen:\n    port: 70000\n",
            code: .invalidValue,
            keyPath: "app.listen.port",
            position: "3:11"
        ),
        BadSpec(
            name: "privileged port",
            yaml: "app:\n  listen:\n    port: 80\n",
            code: .privilegedPort,
            keyPath: "app.listen.port",
            position: "3:11"
        ),
        BadSpec(
            name: "port 0",
            yaml: "app:\n  listen:\n    port: 0\n",
            code: .invalidValue,
            keyPath: "app.listen.port",
            position: "3:11"
        ),
        BadSpec(
            name: "bad CIDR in trust",
            yaml: "app:\n  trust:\n    - loopback\n    - 10.0.0.1/8\n",
            code: .invalidAddress,
            keyPath: "app.trust[1]",
            position: "4:7"
        ),
        BadSpec(
            name: "trust everyone",
            yaml: "app:\n  trust: [\"0.0.0.0/0\"]\n",
            code: .trustsEveryone,
            keyPath: "app.trust[0]",
            position: "2:11"
        ),
        BadSpec(
            name: "trust star",
            yaml: "app:\n  trust: \"*\"\n",
            code: .trustsEveryone,
            keyPath: "app.trust[0]",
            position: "2:10"
        ),
        BadSpec(
            name: "outbound everyone",
            yaml: "app:\n  outbound: [\"::/0\"]\n",
            code: .invalidValue,
            keyPath: "app.outbound[0]",
            position: "2:14"
        ),
        BadSpec(name: "root by uid", yaml: "app:\n  user: 0\n", code: .rootUser, keyPath: "app.user", position: "2:9"),
        BadSpec(
            name: "privileged metrics port",
            yaml: "app:\n  metrics_port: 80\n",
            code: .invalidValue,
            keyPath: "app.metrics_port",
            position: "2:17"
        ),
        BadSpec(
            name: "bad CIDR in outbound",
            yaml: "app:\n  outbound: [10.0.0.300]\n",
            code: .invalidAddress,
            keyPath: "app.outbound[0]",
            position: "2:14"
        ),
        BadSpec(
            name: "host name instead of address",
            yaml: "app:\n  listen:\n    host: example.com\n",
            code: .invalidAddress,
            keyPath: "app.listen.host",
            position: "3:11"
        ),
        BadSpec(
            name: "wildcard bind behind a proxy",
            yaml: "app:\n  listen:\n    host: 0.0.0.0\n",
            code: .wildcardBind,
            keyPath: "app.listen.host",
            position: "3:11"
        ),
        BadSpec(
            name: "IPv6 wildcard bind behind a proxy",
            yaml: "app:\n  listen:\n    host: \"::\"\n",
            code: .wildcardBind,
            keyPath: "app.listen.host",
            position: "3:11"
        ),
        BadSpec(
            name: "star bind behind a proxy",
            yaml: "app:\n  listen:\n    host: \"*\"\n",
            code: .wildcardBind,
            keyPath: "app.listen.host",
            position: "3:11"
        ),
        BadSpec(
            name: "empty host behind a proxy",
            yaml: "app:\n  listen:\n    host: \"\"\n",
            code: .wildcardBind,
            keyPath: "app.listen.host",
            position: "3:11"
        ),
        BadSpec(
            name: "private bind without hosts",
            yaml: "app:\n  listen:\n    host: 10.0.0.5\n",
            code: .publicBind,
            keyPath: "app.listen.host",
            position: "3:11"
        ),
        BadSpec(
            name: "public bind without a proxy",
            yaml: "app:\n  listen: {host: 203.0.113.5}\nproxy:\n  kind: none\n",
            code: .publicBind,
            keyPath: "app.listen.host",
            position: "2:18"
        ),
        BadSpec(name: "root user", yaml: "app:\n  user: root\n", code: .rootUser, keyPath: "app.user", position: "2:9"),
        BadSpec(
            name: "unix socket without unix trust",
            yaml: "app:\n  listen: {unix: /run/a/a.sock}\n  trust: [loopback]\n",
            code: .trustMismatch,
            keyPath: "app.trust",
            position: "3:10"
        ),
        BadSpec(
            name: "loopback bind without loopback trust",
            yaml: "app:\n  trust: [10.0.0.0/8]\n",
            code: .trustMismatch,
            keyPath: "app.trust",
            position: "2:10"
        ),
        BadSpec(
            name: "balancer not trusted",
            yaml: "app:\n  hosts: {addresses: [10.0.0.11], balancers: [10.0.0.2]}\n  trust: [10.0.0.3]\n",
            code: .trustMismatch,
            keyPath: "app.trust",
            position: "3:10"
        ),
        BadSpec(
            name: "public app host",
            yaml: "app:\n  hosts:\n    addresses: [203.0.113.7]\n    balancers: [10.0.0.2]\n",
            code: .publicBind,
            keyPath: "app.hosts.addresses[0]",
            position: "3:17"
        ),
        BadSpec(
            name: "host with hosts",
            yaml: "app:\n  listen: {host: 127.0.0.1}\n  hosts: {addresses: [10.0.0.11], balancers: [10.0.0.2]}\n",
            code: .conflict,
            keyPath: "app.listen.host",
            position: "2:18"
        ),
        BadSpec(
            name: "nginx cannot send v2",
            yaml: "app:\n  proxy_protocol: v2\n",
            code: .unsupportedByProxy,
            keyPath: "app.proxy_protocol",
            position: "2:19"
        ),
        BadSpec(
            name: "apache cannot send PROXY",
            yaml: "app:\n  proxy_protocol: v1\nproxy:\n  kind: apache\n",
            code: .unsupportedByProxy,
            keyPath: "app.proxy_protocol",
            position: "2:19"
        ),
        BadSpec(
            name: "bad proxy protocol word",
            yaml: "app:\n  proxy_protocol: v3\n",
            code: .invalidValue,
            keyPath: "app.proxy_protocol",
            position: "2:19"
        ),
        BadSpec(
            name: "server name injection",
            yaml: "proxy:\n  server_names: [\"a.com; return 200\"]\n",
            code: .unsafeText,
            keyPath: "proxy.server_names[0]",
            position: "2:18"
        ),
        BadSpec(
            name: "path injection",
            yaml: "proxy:\n  tls:\n    certificate: \"/x.pem;\\n}\"\n",
            code: .unsafeText,
            keyPath: "proxy.tls.certificate",
            position: "3:18"
        ),
        BadSpec(
            name: "relative path",
            yaml: "proxy:\n  tls:\n    certificate: cert.pem\n",
            code: .invalidValue,
            keyPath: "proxy.tls.certificate",
            position: "3:18"
        ),
        BadSpec(
            name: "tls without certificate",
            yaml: "proxy:\n  tls:\n    key: /k.pem\n",
            code: .missingKey,
            keyPath: "proxy.tls.certificate",
            position: "3:5"
        ),
        BadSpec(
            name: "static path without trailing slash",
            yaml: "proxy:\n  static_files:\n    - {path: /static, directory: /srv/s}\n",
            code: .invalidValue,
            keyPath: "proxy.static_files[0].path",
            position: "3:14"
        ),
        BadSpec(
            name: "real_ip from everyone",
            yaml: "proxy:\n  real_ip: {from: [0.0.0.0/0]}\n",
            code: .trustsEveryone,
            keyPath: "proxy.real_ip.from[0]",
            position: "2:20"
        ),
        BadSpec(
            name: "body limit above the app's",
            yaml: "proxy:\n  client_max_body_size: 2m\n",
            code: .conflict,
            keyPath: "proxy.client_max_body_size",
            position: "2:25"
        ),
        BadSpec(
            name: "keepalive above max connections",
            yaml: "app:\n  limits: {max_connections: 100}\n",
            code: .conflict,
            keyPath: "app.limits.max_connections",
            position: "2:29"
        ),
        BadSpec(
            name: "https without tls",
            yaml: "proxy:\n  listen: {https: 443}\n",
            code: .conflict,
            keyPath: "proxy.listen.https",
            position: "2:19"
        ),
        BadSpec(
            name: "proxy on the app's port",
            yaml: "proxy:\n  listen: {http: [8000]}\n",
            code: .conflict,
            keyPath: "proxy.listen.http[0]",
            position: "2:19"
        ),
        BadSpec(
            name: "wrong shape",
            yaml: "app:\n  listen: [8000]\n",
            code: .wrongType,
            keyPath: "app.listen",
            position: "2:11"
        ),
        BadSpec(
            name: "bad duration",
            yaml: "app:\n  limits: {idle_timeout: soon}\n",
            code: .wrongType,
            keyPath: "app.limits.idle_timeout",
            position: "2:26"
        ),
        BadSpec(name: "not YAML", yaml: "app: [\n", code: .invalidYAML, keyPath: "", position: "2:1"),
        BadSpec(
            name: "instances without %i",
            yaml: "app:\n  instances: 2\n  exec: /opt/app/run\n",
            code: .invalidValue,
            keyPath: "app.exec",
            position: "3:9"
        ),
        BadSpec(
            name: "exec runs as root with the + prefix",
            yaml: "app:\n  exec: [\"+/usr/local/bin/app\", serve]\n",
            code: .unsafeText,
            keyPath: "app.exec[0]",
            position: "2:10"
        ),
        BadSpec(
            name: "exec with the ! prefix (string form)",
            yaml: "app:\n  exec: '!/usr/local/bin/app serve'\n",
            code: .unsafeText,
            keyPath: "app.exec",
            position: "2:9"
        ),
        BadSpec(
            name: "exec with the !! prefix",
            yaml: "app:\n  exec:\n    - '!!/usr/local/bin/app'\n",
            code: .unsafeText,
            keyPath: "app.exec[0]",
            position: "3:7"
        ),
        BadSpec(
            name: "exec with combined prefixes -+",
            yaml: "app:\n  exec: [\"-+/usr/local/bin/app\"]\n",
            code: .unsafeText,
            keyPath: "app.exec[0]",
            position: "2:10"
        ),
        BadSpec(
            name: "exec with the @ prefix",
            yaml: "app:\n  exec: [\"@-/usr/local/bin/app\", app]\n",
            code: .unsafeText,
            keyPath: "app.exec[0]",
            position: "2:10"
        ),
        BadSpec(
            name: "exec with the : prefix",
            yaml: "app:\n  exec: \":/usr/local/bin/app\"\n",
            code: .unsafeText,
            keyPath: "app.exec",
            position: "2:9"
        ),
        BadSpec(
            name: "exec with the | prefix",
            yaml: "app:\n  exec: [\"|/usr/local/bin/app\"]\n",
            code: .unsafeText,
            keyPath: "app.exec[0]",
            position: "2:10"
        ),
        BadSpec(
            name: "exec with the - prefix",
            yaml: "app:\n  exec: [\"-/usr/local/bin/app\"]\n",
            code: .unsafeText,
            keyPath: "app.exec[0]",
            position: "2:10"
        ),
        BadSpec(
            name: "environment with newline",
            yaml: "systemd:\n  environment: {A: \"x\\ny\"}\n",
            code: .unsafeText,
            keyPath: "systemd.environment.A",
            position: "2:20"
        ),
        BadSpec(
            name: "restart word",
            yaml: "systemd:\n  restart: sometimes\n",
            code: .invalidValue,
            keyPath: "systemd.restart",
            position: "2:12"
        ),
    ]

    @Test(arguments: cases)
    func badSpecNamesTheKeyAndTheLine(_ bad: BadSpec) {
        let error = specError { _ = try DeploymentSpec(yaml: bad.yaml, file: "greenroom.yml") }
        #expect(error?.code == bad.code, "\(error?.description ?? "no error")")
        #expect(error?.keyPath == bad.keyPath, "\(error?.description ?? "no error")")
        #expect(
            error.map { "\($0.location.line):\($0.location.column)" } == bad.position,
            "\(error?.description ?? "no error")"
        )
        #expect(error?.description.hasPrefix("greenroom.yml:\(bad.position): ") == true)
    }

    /// systemd reads leading `+ ! !! @ - : |` of ExecStart= as prefixes: `+` runs the command as
    /// root with no sandbox despite User=. The error says what the prefix does and the fix.
    @Test func execPrefixesAreRefusedSayingWhatTheyDo() {
        let plus = specError {
            _ = try DeploymentSpec(yaml: "app:\n  exec: [\"+/usr/local/bin/app\"]\n", file: "greenroom.yml")
        }
        #expect(
            plus?.description
                == "greenroom.yml:2:10: app.exec[0]: '+/usr/local/bin/app' starts with '+', a systemd ExecStart= "
                + "prefix: '+' runs the command as root with no sandbox, despite User=; write the program's "
                + "absolute path without it (/usr/local/bin/app)"
        )
        let bang = specError { _ = try DeploymentSpec(yaml: "app:\n  exec: [\"!!/opt/app\"]\n") }
        #expect(
            bang?.message.contains("'!!' runs the command with root's credentials") == true,
            "\(String(describing: bang))"
        )
        // A prefix character later in the path, or in another argument, is just text.
        #expect(specError { _ = try DeploymentSpec(yaml: "app:\n  exec: [/opt/app+1/run, -v, +x, \"@y\"]\n") } == nil)
    }

    @Test func unknownKeysSuggestTheNearestKnownOne() {
        let error = specError { _ = try DeploymentSpec(yaml: "proxy:\n  server_name: [a.com]\n") }
        #expect(error?.message.contains("did you mean 'server_names'?") == true)
    }

    @Test func theOneLineMessageHasLocationKeyAndReason() {
        let error = specError {
            _ = try DeploymentSpec(yaml: "app:\n  listen:\n    port: 80\n", file: "deploy/greenroom.yml")
        }
        #expect(
            error?.description
                == "deploy/greenroom.yml:3:11: app.listen.port: 80 is a privileged port and would need root; use 1024...65535 and let the proxy listen on 80"
        )
        #expect(error?.description.contains("\n") == false)
    }

    @Test func allProblemsAreReportedInFileOrder() throws {
        let spec = try DeploymentSpec.parse(yaml: "app:\n  user: app\n  listen:\n    host: 0.0.0.0\n    port: 81\n")
        #expect(spec.problems().map(\.keyPath) == ["app.listen.host", "app.listen.port"])
    }
}
