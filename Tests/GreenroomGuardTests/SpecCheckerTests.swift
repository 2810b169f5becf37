import Foundation
import GreenroomConfigParsing
import GreenroomCore
import GreenroomDeploy
import GreenroomGuard
import Testing

/// Every spec rule on fixture YAML: exact rule ids and the lines they point at.
@Suite struct SpecCheckerTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        /// `GR001@2`: rule and line, sorted.
        let expected: [String]
        var testDescription: String { name }
        init(_ name: String, _ yaml: String, _ expected: [String]) {
            self.name = name
            self.yaml = yaml
            self.expected = expected
        }
    }

    static func findings(_ yaml: String) throws -> [Finding] {
        SpecChecker(spec: try DeploymentSpec.parse(yaml: yaml, file: "greenroom.yml")).check()
    }

    static let tls = "  tls: {certificate: /etc/ssl/app.pem, key: /etc/ssl/app.key}\n"

    static let rows: [Row] = [
        Row("defaults", "", []),
        Row("wildcard 0.0.0.0", "app:\n  listen: {host: 0.0.0.0, port: 8000}\n", ["GR001@2"]),
        Row("wildcard ::", "app:\n  listen:\n    host: \"::\"\n", ["GR001@3"]),
        Row("wildcard empty host", "app:\n  listen:\n    port: 8000\n    host: \"\"\n", ["GR001@4"]),
        Row("wildcard *", "app:\n  listen: {host: \"*\"}\n", ["GR001@2"]),
        Row("wildcard with haproxy", "proxy:\n  kind: haproxy\napp:\n  listen: {host: 0.0.0.0}\n", ["GR001@4"]),
        Row(
            "direct serving may bind everything",
            "app:\n  listen: {host: 0.0.0.0, port: 8080}\n  allow_public: true\nproxy:\n  kind: none\n",
            []
        ),
        Row(
            "direct serving needs allow_public",
            "app:\n  listen: {host: 0.0.0.0, port: 8080}\nproxy:\n  kind: none\n",
            ["GR002@2"]
        ),
        Row("private bind behind a local proxy", "app:\n  listen: {host: 10.0.0.5, port: 8000}\n", ["GR002@2"]),
        Row(
            "metrics beside a loopback app",
            "app:\n  listen: {host: 127.0.0.1, port: 8000}\n  metrics_port: 9100\n",
            []
        ),
        Row("metrics beside a unix socket", "app:\n  listen: {unix: /run/app/app.sock}\n  metrics_port: 9100\n", []),
        Row(
            "metrics on an app host's address",
            "app:\n  listen: {port: 8000}\n  hosts:\n    addresses: [10.0.0.11]\n    balancers: [10.0.0.2]\n"
                + "  metrics_port: 9100\n",
            ["GR093@6"]
        ),
        Row(
            "remote-proxy topology",
            "app:\n  listen: {port: 8000}\n  hosts:\n    addresses: [10.0.0.11, 10.0.0.12]\n    balancers: [10.0.0.2]\n",
            []
        ),
        Row(
            "remote-proxy topology without the unit's filter",
            "app:\n  hosts:\n    addresses: [10.0.0.11]\n    balancers: [10.0.0.2]\nsystemd:\n  hardening: false\n",
            ["GR002@6"]
        ),
        Row(
            "public app host",
            "app:\n  hosts:\n    addresses: [203.0.113.5]\n    balancers: [10.0.0.2]\n",
            ["GR002@3"]
        ),
        Row("trust *", "app:\n  trust: [\"*\"]\n", ["GR003@2"]),
        Row(
            "trust 0.0.0.0/0 and ::/0",
            "app:\n  trust:\n    - loopback\n    - 0.0.0.0/0\n    - ::/0\n",
            ["GR003@4", "GR003@5"]
        ),
        Row(
            "halves cover everything",
            "app:\n  trust:\n    - 0.0.0.0/1\n    - 128.0.0.0/1\n",
            ["GR003@3", "GR003@3", "GR003@4"]
        ),
        Row(
            "many blocks cover everything",
            "app:\n  trust: [loopback, 0.0.0.0/2, 64.0.0.0/2, 128.0.0.0/2, 192.0.0.0/2]\n",
            ["GR003@2", "GR003@2", "GR003@2", "GR003@2", "GR003@2"]
        ),
        Row("public range", "app:\n  trust: [loopback, 203.0.113.0/24]\n", ["GR003@2"]),
        Row("wider than a /8", "app:\n  trust:\n    - loopback\n    - 8.0.0.0/7\n", ["GR003@4"]),
        Row("IPv6 wider than a /16", "app:\n  trust:\n    - loopback\n    - \"fc00::/7\"\n", ["GR003@4"]),
        Row(
            "whole RFC 1918 block with a local proxy",
            "app:\n  trust:\n    - loopback\n    - 10.0.0.0/8\n",
            ["GR004@4"]
        ),
        Row("another host with a local proxy", "app:\n  trust: [loopback, 192.168.1.7]\n", ["GR004@2"]),
        Row(
            "loopback trusted by app hosts",
            "app:\n  hosts:\n    addresses: [10.0.0.11]\n    balancers: [10.0.0.2]\n  trust:\n    - loopback\n    - 10.0.0.2\n",
            ["GR004@6"]
        ),
        Row(
            "app hosts trust wider than the balancers",
            "app:\n  hosts:\n    addresses: [10.0.0.11]\n    balancers: [10.0.0.2]\n  trust: [10.0.0.0/24]\n",
            ["GR004@5"]
        ),
        Row("root user", "app:\n  user: root\n", ["GR005@2"]),
        Row("uid 0", "app:\n  user: \"0\"\n", ["GR005@2"]),
        Row("privileged port", "app:\n  listen:\n    port: 443\n", ["GR006@3"]),
        Row("root group", "systemd:\n  group: root\n", ["GR005@2"]),
        Row("gid 0", "systemd:\n  group: \"0\"\n", ["GR005@2"]),
        Row("root-equivalent group docker", "systemd:\n  group: docker\n", ["GR005@2"]),
        Row("administrators' group sudo", "systemd:\n  group: sudo\n", ["GR005@2"]),
        Row("administrators' group wheel", "systemd:\n  group: wheel\n", ["GR005@2"]),
        Row("log readers' group adm", "systemd:\n  group: adm\n", ["GR005@2"]),
        Row("raw disks' group", "systemd:\n  group: disk\n", ["GR005@2"]),
        Row("an ordinary group", "systemd:\n  group: app\n", []),

        Row(
            "unix socket but trusting loopback",
            "app:\n  listen:\n    unix: /run/app/app.sock\n  trust: [loopback]\n",
            ["GR007@4"]
        ),
        Row(
            "balancer not trusted",
            "app:\n  hosts:\n    addresses: [10.0.0.11]\n    balancers: [10.0.0.2]\n  trust: [10.0.0.3]\n",
            ["GR004@5", "GR007@5"]
        ),
        Row("apache cannot send PROXY", "app:\n  proxy_protocol: v1\nproxy:\n  kind: apache\n", ["GR008@2"]),
        Row("nginx cannot send PROXY v2", "app:\n  proxy_protocol: v2\n", ["GR008@2"]),
        Row(
            "PROXY without a proxy",
            "app:\n  proxy_protocol: v1\n  allow_public: true\n  trust: []\nproxy:\n  kind: none\n",
            ["GR008@2"]
        ),
        Row("TLS through nginx's stream", "app:\n  proxy_protocol: v1\nproxy:\n" + tls, ["GR009@4"]),
        Row("TLS in front of another app", "app:\n  exec: /usr/bin/gunicorn app:wsgi\nproxy:\n" + tls, ["GR009@2"]),
        Row("TLS with X-Forwarded-Proto", "proxy:\n" + tls, []),
        Row("TLS through HAProxy with PROXY v2", "app:\n  proxy_protocol: v2\nproxy:\n  kind: haproxy\n" + tls, []),
        Row(
            "real_ip from everyone",
            "proxy:\n  real_ip:\n    from: [0.0.0.0/0]\n    header: X-Forwarded-For\n",
            ["GR010@3"]
        ),
        Row(
            "real_ip wider than a /8",
            "proxy:\n  real_ip:\n    header: X-Real-IP\n    from:\n      - 4.0.0.0/6\n",
            ["GR010@5"]
        ),
        Row(
            "real_ip large public block",
            "proxy:\n  real_ip:\n    from: [64.0.0.0/10]\n    header: X-Forwarded-For\n",
            ["GR010@3"]
        ),
        Row(
            "real_ip CDN range",
            "proxy:\n  real_ip:\n    from: [192.0.2.0/24, \"2001:db8::/32\"]\n    header: X-Forwarded-For\n",
            []
        ),
        Row(
            "HAProxy cannot serve files",
            "proxy:\n  kind: haproxy\n  static_files: [{path: /static/, directory: /srv/static}]\n",
            ["GR011@3"]
        ),
        Row("sandbox off", "systemd:\n  hardening: false\n", ["GR012@2"]),
        Row("outbound to everyone", "app:\n  outbound: [10.0.0.5, 0.0.0.0/0]\n", ["GR012@2"]),
        Row("read_write_paths: /", "systemd:\n  read_write_paths: [/var/lib/app, /]\n", ["GR012@2"]),
        Row("read_write_paths: /etc", "systemd:\n  read_write_paths:\n    - /etc/\n", ["GR012@3"]),
        Row("read_write_paths inside /usr", "systemd:\n  read_write_paths: [/usr/local/bin]\n", ["GR012@2"]),
        Row(
            "read_write_paths: system roots",
            "systemd:\n  read_write_paths:\n    - /boot\n    - /root\n    - /proc/sys\n    - /sys\n    - //var//\n",
            ["GR012@3", "GR012@4", "GR012@5", "GR012@6", "GR012@7"]
        ),
        Row(
            "read_write_paths: an app's own directories",
            "systemd:\n  read_write_paths: [/var/lib/app, /srv/app/uploads, /var/log/app]\n",
            []
        ),

        Row("hops beyond the proxies", "app:\n  hops: 2\n", ["GR013@2"]),
        Row(
            "hops with an outer balancer",
            "app:\n  hops: 2\nproxy:\n  real_ip: {from: [192.0.2.0/24], header: X-Forwarded-For}\n",
            []
        ),
        Row("exec overrides the port", "app:\n  exec: greenroom serve --port 9000\n", ["GR014@2"]),
        Row(
            "exec binds everything",
            "app:\n  exec: [/usr/local/bin/greenroom, serve, \"--host=0.0.0.0\"]\n",
            ["GR001@2"]
        ),
        Row("exec trusts everyone", "app:\n  exec: greenroom serve --trust * --trust-all-i-know\n", ["GR003@2"]),
        Row("exec trusts others", "app:\n  exec: greenroom serve --trust 10.0.0.0/8\n", ["GR014@2"]),
        Row("exec expects PROXY", "app:\n  exec: greenroom serve --proxy-protocol required\n", ["GR008@2"]),
        Row(
            "exec ignores PROXY",
            "app:\n  proxy_protocol: v1\n  exec: greenroom serve --proxy-protocol off\n",
            ["GR008@3"]
        ),
        Row("exec privileged port", "app:\n  exec: greenroom serve --port 80\n", ["GR006@2"]),
        Row(
            "exec agrees with the spec",
            "app:\n  exec: greenroom serve --config /etc/greenroom/greenroom.yml --port 8000 --trust loopback\n",
            []
        ),
        Row(
            "keep-alive uses up the app",
            "app:\n  limits: {max_connections: 100}\nproxy:\n  upstream_keepalive: 256\n",
            ["GR019@4"]
        ),
        Row("HTTPS listeners without TLS", "proxy:\n  listen:\n    https: [443]\n", ["GR019@3"]),
    ]

    @Test(arguments: rows)
    func ruleIDsAndLines(_ row: Row) throws {
        let findings = try Self.findings(row.yaml)
        let found = findings.map { "\($0.rule)@\($0.location?.line ?? 0)" }.sorted()
        #expect(found == row.expected.sorted(), "\(findings.map(\.description).joined(separator: "\n"))")
        for finding in findings {
            #expect(finding.location?.file == "greenroom.yml")
            #expect(!finding.message.isEmpty && !finding.fix.isEmpty && finding.fix != finding.message)
        }
    }

    @Test func theCheckedInExampleIsClean() throws {
        let text = try String(contentsOfFile: "\(Corpus.packageRoot)/deploy/greenroom.example.yml", encoding: .utf8)
        #expect(try Self.findings(text).isEmpty)
    }

    @Test(arguments: [
        ("app:\n  trust: [loopback, 10.0.0.0/8]\n", Severity.warning),
        ("app:\n  hosts: {addresses: [10.0.0.11], balancers: [10.0.0.2]}\n  trust: [unix, 10.0.0.2]\n", .error),
        ("proxy:\n  real_ip: {from: [64.0.0.0/10], header: X-Forwarded-For}\n", .warning),
        ("proxy:\n  real_ip: {from: [4.0.0.0/6], header: X-Forwarded-For}\n", .error),
        ("systemd: {hardening: false}\n", .warning),
        ("app:\n  outbound: [0.0.0.0/0]\n", .error),
        ("app:\n  exec: /usr/bin/gunicorn app\nproxy:\n" + tls, .info),
    ])
    func severityFollowsTheOccurrence(_ yaml: String, _ severity: Severity) throws {
        let findings = try Self.findings(yaml)
        #expect(findings.count == 1 && findings.first?.severity == severity, "\(findings)")
    }

    /// Every loader problem becomes an error, whatever its rule's default severity.
    @Test func loaderProblemsAreErrorsWithTheirFixSplitOff() throws {
        let findings = try Self.findings("app:\n  user: root\n  listen: {host: 0.0.0.0, port: 80}\n")
        #expect(findings.allSatisfy { $0.severity == .error })
        let wildcard = try #require(findings.first { $0.rule.description == "GR001" })
        #expect(wildcard.message.hasPrefix("app.listen.host: '0.0.0.0' listens on every interface"))
        #expect(wildcard.fix == "bind 127.0.0.1 or a unix socket")
        #expect(wildcard.location == SourceLocation(file: "greenroom.yml", line: 3, column: 18))
    }

    @Test func everyLoaderCodeMapsToASpecRule() {
        let codes: [SpecError.Code] = [
            .wildcardBind, .publicBind, .privilegedPort, .trustsEveryone, .rootUser, .trustMismatch,
            .unsupportedByProxy, .conflict, .invalidValue, .missingKey,
        ]
        for code in codes {
            let rule = SpecChecker.rule(
                for: SpecError(code, at: .init(file: "f", line: 1, column: 1), keyPath: "x", "m")
            )
            #expect(rule.scope == .spec && (1...19).contains(rule.id.number))
        }
    }

    /// A spec built from `serve` flags has no file: its findings have no location.
    @Test func findingsWithoutAFile() throws {
        var spec = DeploymentSpec.defaults
        spec.app.listen = .tcp(host: .anyV4, port: 8000)
        let findings = SpecChecker(spec: spec, locate: { _ in nil }).check()
        #expect(findings.map(\.rule.description) == ["GR001"])
        #expect(findings.first?.location == nil)
    }

    @Test func serveFlagsAreReadInBothSpellings() {
        let flags = SpecChecker.serveFlags([
            "greenroom", "serve", "--port", "9000", "--trust=10.0.0.2", "--allow-public", "--hops", "1",
        ])
        #expect(flags.map(\.name) == ["port", "trust", "allow-public", "hops"])
        #expect(flags.map(\.value) == ["9000", "10.0.0.2", nil, "1"])
    }
}
