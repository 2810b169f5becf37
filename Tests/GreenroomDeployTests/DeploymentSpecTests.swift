import GreenroomConfigParsing
import GreenroomCore
import GreenroomDeploy
import Testing

@Suite struct DeploymentSpecTests {
    @Test func exampleDecodesToTheDocumentedValues() throws {
        let spec = try exampleSpec()
        #expect(spec.app.name == "greenroom")
        #expect(spec.app.user == .named("greenroom"))
        #expect(spec.app.listen == .tcp(host: IPAddress("127.0.0.1")!, port: 8000))
        #expect(spec.app.trust == .loopback)
        #expect(spec.app.proxyProtocol == .off)
        #expect(spec.app.forwardedHeaders == .both)
        #expect(spec.app.limits.maxBodyBytes == 1 << 20)
        #expect(spec.app.limits.idleTimeout == .seconds(75))
        #expect(spec.proxy.kind == .nginx)
        #expect(spec.proxy.serverNames == ["example.com", "www.example.com"])
        #expect(spec.proxy.tls?.certificate == "/etc/letsencrypt/live/example.com/fullchain.pem")
        #expect(spec.proxy.tls?.key == "/etc/letsencrypt/live/example.com/privkey.pem")
        #expect(spec.proxy.tls?.acmeWebroot == "/var/www/letsencrypt")
        #expect(spec.proxy.redirectHTTP)
        #expect(spec.proxy.hsts?.maxAge == 63_072_000)
        #expect(spec.proxy.httpsPorts == [443])
        #expect(spec.proxy.upstreamKeepalive == 256)
        #expect(spec.systemd.hardening)
        #expect(spec.problems().isEmpty)
    }

    @Test func anEmptyFileMeansTheSafeDefaults() throws {
        let spec = try spec("")
        #expect(spec.app.listen == .tcp(host: .loopbackV4, port: 8000))
        #expect(spec.app.trust == .loopback)
        #expect(spec.proxy.kind == .nginx)
        #expect(spec.proxy.tls == nil)
        #expect(spec.proxy.httpPorts == [80])
        #expect(spec.systemd.hardening)
        #expect(
            spec.app.effectiveExec == ["/usr/local/bin/greenroom", "serve", "--config", "/etc/greenroom/greenroom.yml"]
        )
        #expect(spec.app == DeploymentSpec.defaults.app)
        #expect(spec.proxy == DeploymentSpec.defaults.proxy)
        #expect(spec.systemd == DeploymentSpec.defaults.systemd)
    }

    @Test func everyValueRemembersWhereItWasWritten() throws {
        let spec = try spec(
            """
            app:
              listen:
                host: 127.0.0.1
                port: 9000
              trust: [loopback, 10.1.0.0/16]
            """
        )
        #expect(spec.locations["app.listen.port"].description == "greenroom.yml:4:11")
        #expect(spec.locations["app.listen.host"].description == "greenroom.yml:3:11")
        #expect(spec.locations["app.trust[1]"].description == "greenroom.yml:5:21")
        #expect(spec.locations.key("app.listen.port").description == "greenroom.yml:4:5")
        // Defaults point at the nearest written parent, then at the file's start.
        #expect(spec.locations["app.listen.unix"].description == "greenroom.yml:3:5")
        #expect(spec.locations["proxy.tls"].description == "greenroom.yml:1:1")
        #expect(spec.locations.isWritten("app.trust"))
        #expect(!spec.locations.isWritten("proxy.kind"))
    }

    @Test func aUnixSocketIsTrustedByDefault() throws {
        let spec = try spec("app:\n  listen:\n    unix: /run/app/app.sock\n")
        #expect(spec.app.listen == .unix(path: "/run/app/app.sock"))
        #expect(spec.app.trust.trustsUnixPeers)
        #expect(spec.app.endpoints == [.unix(path: "/run/app/app.sock")])
    }

    @Test func instancesGetConsecutivePortsOrNumberedSockets() throws {
        let tcp = try spec("app:\n  instances: 3\n  listen: {port: 9000}\n")
        #expect(tcp.app.endpoints.map(\.description) == ["127.0.0.1:9000", "127.0.0.1:9001", "127.0.0.1:9002"])
        let unix = try spec("app:\n  instances: 2\n  listen: {unix: /run/app/app.sock}\n")
        #expect(unix.app.endpoints.map(\.description) == ["unix:/run/app/app-1.sock", "unix:/run/app/app-2.sock"])
    }

    @Test func theRemoteProxyTopologyTrustsExactlyTheBalancers() throws {
        let spec = try spec(
            """
            app:
              hosts:
                addresses: [10.0.0.11, 10.0.0.12]
                balancers: [10.0.0.2]
            """
        )
        #expect(spec.app.listen == .tcp(host: nil, port: 8000))
        #expect(spec.app.trust.entries == [.cidr(CIDR("10.0.0.2/32")!)])
        #expect(spec.app.endpoints.map(\.description) == ["10.0.0.11:8000", "10.0.0.12:8000"])
    }

    @Test func proxyKindNoneTrustsNobody() throws {
        let spec = try spec("proxy:\n  kind: none\n")
        #expect(spec.app.trust.isEmpty)
    }

    @Test func sizesAndDurationsAcceptTheirShortForms() throws {
        let spec = try spec(
            """
            app:
              limits:
                max_header_bytes: 32k
                max_body_bytes: 10m
                header_timeout: 500ms
                body_timeout: 20s
                idle_timeout: 2m
                shutdown_timeout: 1h
            """
        )
        #expect(spec.app.limits.maxHeaderBytes == 32 << 10)
        #expect(spec.app.limits.maxBodyBytes == 10 << 20)
        #expect(spec.app.limits.headerTimeout == .milliseconds(500))
        #expect(spec.app.limits.bodyTimeout == .seconds(20))
        #expect(spec.app.limits.idleTimeout == .seconds(120))
        #expect(spec.app.limits.shutdownTimeout == .seconds(3600))
    }

    @Test func execIsSplitAtSpacesOrGivenAsAList() throws {
        #expect(
            try spec("app:\n  exec: /opt/app/bin/app serve --fast\n").app.exec == [
                "/opt/app/bin/app", "serve", "--fast",
            ]
        )
        #expect(try spec("app:\n  exec: [/opt/app, \"a b\"]\n").app.exec == ["/opt/app", "a b"])
    }

    @Test func parseAcceptsAnUnsafeSpecThatLoadRejects() throws {
        let yaml = "app:\n  listen:\n    host: 0.0.0.0\n"
        let parsed = try DeploymentSpec.parse(yaml: yaml)
        #expect(parsed.app.listen == .tcp(host: .anyV4, port: 8000))
        #expect(parsed.problems().map(\.code) == [.wildcardBind])
        #expect(
            throws: SpecError(.wildcardBind, at: parsed.locations["app.listen.host"], keyPath: "app.listen.host", "")
        ) {
            try DeploymentSpec(yaml: yaml)
        }
    }

    @Test func serveArgumentsSayTheSameAsTheAppSection() throws {
        let limits = [
            "--max-header-bytes", "16384", "--max-body-bytes", "1048576", "--header-timeout", "10", "--body-timeout",
            "60", "--idle-timeout", "75",
            "--proxy-protocol-timeout", "5", "--shutdown-timeout", "30",
        ]
        #expect(
            try spec("").app.serveArguments
                == [
                    "--host", "127.0.0.1", "--port", "8000", "--trust", "loopback", "--proxy-protocol", "off",
                    "--forwarded-headers", "both", "--max-connections", "4096",
                ] + limits
        )
        let unix = try spec(
            "app:\n  listen: {unix: /run/a/a.sock}\n  hops: 2\n  proxy_protocol: v1\n  limits: {header_timeout: 1500ms}\n"
        )
        #expect(
            unix.app.serveArguments.prefix(13)
                == [
                    "--unix", "/run/a/a.sock", "--trust", "unix", "--proxy-protocol", "required", "--hops", "2",
                    "--forwarded-headers", "both", "--max-connections", "4096", "--max-header-bytes",
                ]
        )
        #expect(unix.app.serveArguments.contains("1.5"))
        let direct = try spec("app:\n  allow_public: true\n  listen: {host: 0.0.0.0}\nproxy:\n  kind: none\n")
        #expect(direct.app.serveArguments.last == "--allow-public")
        #expect(!direct.app.serveArguments.contains("--trust"))
    }

    @Test func garbageNeverCrashesTheDecoder() throws {
        let example = Array(try packageFile("deploy/greenroom.example.yml").utf8)
        var state: UInt64 = 0x5EED
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        for _ in 0..<300 {
            var bytes = example
            for _ in 0..<(1 + next() % 8) where !bytes.isEmpty {
                let position = next() % bytes.count
                switch next() % 3 {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(UInt8(truncatingIfNeeded: next()), at: position)
                default:
                    let specials = Array(":[]{}-#&*!|>'\"%@`,? \n\t".utf8)
                    bytes[position] = specials[next() % specials.count]
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                let spec = try DeploymentSpec(yaml: text)
                _ = try Generator(spec: spec).files(for: .systemd)
            } catch is SpecError {
                // A located error is the expected outcome for most mutations.
            }
        }
    }

    @Test func loadReadsTheFileAndNamesItInErrors() throws {
        let missing = specError { _ = try DeploymentSpec.load(path: "/nonexistent/greenroom.yml") }
        #expect(missing?.code == .unreadable)
        #expect(missing?.description.hasPrefix("/nonexistent/greenroom.yml:1:1: ") == true)
        let spec = try DeploymentSpec.load(path: packageRoot + "/deploy/greenroom.example.yml")
        #expect(spec.file.hasSuffix("deploy/greenroom.example.yml"))
    }
}
