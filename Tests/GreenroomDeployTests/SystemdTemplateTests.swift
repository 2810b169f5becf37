import GreenroomCore
import GreenroomDeploy
import Testing

@Suite struct SystemdTemplateTests {
    @Test func theUnitIsHardenedAndRunsServeWithTheSpec() throws {
        let unit = lines(try render(try exampleSpec(), .systemd))
        #expect(unit.contains("ExecStart=/usr/local/bin/greenroom serve --config /etc/greenroom/greenroom.yml"))
        #expect(unit.contains("User=greenroom"))
        #expect(unit.contains("NoNewPrivileges=yes"))
        #expect(unit.contains("ProtectSystem=strict"))
        #expect(unit.contains("IPAddressDeny=any"))
        #expect(unit.contains("IPAddressAllow=localhost"))
        #expect(unit.contains("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6"))
        #expect(unit.contains("SocketBindAllow=tcp:8000"))
        #expect(unit.contains("SocketBindDeny=any"))
        #expect(unit.contains("Restart=on-failure"))
        #expect(unit.contains("TimeoutStopSec=35s"))
        #expect(unit.contains("LimitNOFILE=5120"))
        #expect(unit.contains("StateDirectory=greenroom"))
    }

    /// systemd learns readiness from serve's `READY=1`, reloads with SIGHUP, and hears `STOPPING=1`,
    /// in every variant (single, instances, app hosts, unix socket).
    @Test(arguments: [
        "", "app:\n  instances: 2\n", "app:\n  hosts: {addresses: [10.0.0.11], balancers: [10.0.0.2]}\n",
        "app:\n  listen: {unix: /run/greenroom/app.sock}\n",
    ])
    func everyUnitIsANotifyServiceThatReloadsWithSIGHUP(yaml: String) throws {
        let files = try Generator(spec: try spec(yaml)).files(for: .systemd)
        #expect(!files.isEmpty)
        for file in files where file.path.hasSuffix(".service") {
            let unit = lines(file.contents)
            #expect(unit.contains("Type=notify"), "\(file.path)")
            #expect(unit.contains("NotifyAccess=main"), "\(file.path)")
            #expect(unit.contains("ExecReload=/bin/kill -HUP $MAINPID"), "\(file.path)")
            #expect(unit.contains("WatchdogSec=30s"), "\(file.path)")
            #expect(!unit.contains("Type=exec"), "\(file.path)")
        }
    }

    /// The service requires a socket unit that listens where serve would have bound: loopback TCP,
    /// the app host's address behind the balancers' allow list, one socket per instance, or the
    /// unix socket owned by the app user and the proxy's group.
    @Test(arguments: [
        ("", "greenroom.socket", ["ListenStream=127.0.0.1:8000", "IPAddressAllow=localhost"]),
        ("app:\n  instances: 2\n", "greenroom@.socket", ["ListenStream=127.0.0.1:%i"]),
        (
            "app:\n  hosts: {addresses: [10.0.0.11], balancers: [10.0.0.2]}\n", "10.0.0.11/greenroom.socket",
            ["ListenStream=10.0.0.11:8000", "IPAddressDeny=any", "IPAddressAllow=localhost 10.0.0.2"]
        ),
        (
            "app:\n  listen: {unix: /run/greenroom/app.sock}\n", "greenroom.socket",
            [
                "ListenStream=/run/greenroom/app.sock", "SocketUser=greenroom", "SocketGroup=www-data",
                "SocketMode=0660",
            ]
        ),
    ])
    func theServiceRequiresASocketUnitListeningWhereServeWould(yaml: String, path: String, expected: [String]) throws {
        let files = try Generator(spec: try spec(yaml)).files(for: .systemd)
        let socket = try #require(files.first { $0.path == path }, "\(files.map(\.path))")
        let unit = lines(socket.contents)
        for line in expected { #expect(unit.contains(line), "\(line) in\n\(socket.contents)") }
        let service = lines(try #require(files.first { $0.path.hasSuffix(".service") }).contents)
        let name = path.hasSuffix("@.socket") ? "greenroom@%i.socket" : "greenroom.socket"
        #expect(service.contains("Requires=\(name)"))
        #expect(service.contains("After=\(name)"))
    }

    @Test func outboundAddressesAndBalancersAreAllowed() throws {
        let unit = lines(try render(try spec("app:\n  outbound: [10.0.0.5, 192.0.2.0/24]\n"), .systemd))
        #expect(unit.contains("IPAddressAllow=localhost 10.0.0.5 192.0.2.0/24"))
    }

    @Test func eachAppHostGetsAUnitThatLetsOnlyTheBalancerIn() throws {
        let spec = try spec("app:\n  hosts: {addresses: [10.0.0.11, 10.0.0.12], balancers: [10.0.0.2]}\n")
        let files = try Generator(spec: spec).files(for: .systemd)
        #expect(
            files.map(\.path) == [
                "10.0.0.11/greenroom.service", "10.0.0.11/greenroom.socket", "10.0.0.12/greenroom.service",
                "10.0.0.12/greenroom.socket",
            ]
        )
        let unit = lines(files[0].contents)
        #expect(
            unit.contains(
                "ExecStart=/usr/local/bin/greenroom serve --config /etc/greenroom/greenroom.yml --host 10.0.0.11"
            )
        )
        #expect(unit.contains("IPAddressAllow=localhost 10.0.0.2"))
    }

    @Test func instancesUseATemplateUnit() throws {
        let files = try Generator(spec: try spec("app:\n  instances: 3\n")).files(for: .systemd)
        #expect(files.map(\.path) == ["greenroom@.service", "greenroom@.socket"])
        let unit = lines(files[0].contents)
        #expect(
            unit.contains("ExecStart=/usr/local/bin/greenroom serve --config /etc/greenroom/greenroom.yml --port %i")
        )
        #expect(unit.contains("SocketBindAllow=tcp:8000-8002"))
        #expect(unit.contains { $0.contains("systemctl enable --now greenroom@8000 greenroom@8001 greenroom@8002") })
    }

    /// `serve` learns its port and host from the flags the unit passes; variables it never reads
    /// would only mislead an operator. An app of its own (`app.exec`) gets them, since it has no flags.
    @Test func environmentVariablesOnlyForAnAppThatIsNotServe() throws {
        for yaml in ["app:\n  instances: 3\n", "app:\n  hosts: {addresses: [10.0.0.11], balancers: [10.0.0.2]}\n"] {
            let served = try Generator(spec: try spec(yaml)).files(for: .systemd)[0].contents
            #expect(!served.contains("GREENROOM_INSTANCE") && !served.contains("GREENROOM_HOST"), "\(served)")
        }
        let own = lines(
            try Generator(spec: try spec("app:\n  instances: 2\n  exec: /opt/app/run --port %i\n")).files(
                for: .systemd
            )[0]
            .contents
        )
        #expect(own.contains(#"Environment="GREENROOM_INSTANCE=%i""#), "\(own)")
        let hosted = lines(
            try Generator(
                spec: try spec("app:\n  exec: /opt/app/run\n  hosts: {addresses: [10.0.0.11], balancers: [10.0.0.2]}\n")
            )
            .files(for: .systemd)[0].contents
        )
        #expect(hosted.contains(#"Environment="GREENROOM_HOST=10.0.0.11""#), "\(hosted)")
    }

    @Test func aUnixSocketGetsARuntimeDirectoryAndTheProxysGroup() throws {
        let unit = lines(try render(try spec("app:\n  listen: {unix: /run/greenroom/app.sock}\n"), .systemd))
        #expect(unit.contains("RuntimeDirectory=greenroom"))
        #expect(unit.contains("Group=www-data"))
        #expect(unit.contains("UMask=0007"))
        #expect(!unit.contains { $0.hasPrefix("SocketBindAllow") })
    }

    @Test func dynamicUserAndEnvironmentAreQuoted() throws {
        let unit = lines(
            try render(
                try spec("app:\n  user: dynamic\nsystemd:\n  environment: {GREETING: \"50% \\\"off\\\"\"}\n"),
                .systemd
            )
        )
        #expect(unit.contains("DynamicUser=yes"))
        #expect(!unit.contains { $0.hasPrefix("User=") })
        #expect(unit.contains("Environment=\"GREETING=50%% \\\"off\\\"\""))
    }

    @Test(arguments: [
        ("plain", "plain"), ("50%", "50%%"), ("$HOME", "$$HOME"), ("a b", "\"a b\""),
        ("say \"hi\"", "\"say \\\"hi\\\"\""),
        ("%i", "%i"),
    ])
    func execArgumentsAreEscaped(_ argument: String, _ expected: String) throws {
        let unit = lines(try render(try spec("app:\n  exec: [/opt/app, \(yamlQuoted(argument))]\n"), .systemd))
        #expect(unit.contains("ExecStart=/opt/app \(expected)"))
    }

    @Test func servingTheInternetDirectlyDropsTheAddressFilter() throws {
        let unit = lines(
            try render(
                try spec("app:\n  allow_public: true\n  listen: {host: 0.0.0.0, port: 8080}\nproxy:\n  kind: none\n"),
                .systemd
            )
        )
        #expect(!unit.contains("IPAddressDeny=any"))
        #expect(unit.contains("SocketBindAllow=tcp:8080"))
        #expect(unit.contains("ProtectSystem=strict"))
    }

    @Test func hardeningCanBeTurnedOff() throws {
        let unit = lines(try render(try spec("systemd:\n  hardening: false\n"), .systemd))
        #expect(!unit.contains("ProtectSystem=strict"))
        #expect(!unit.contains("IPAddressDeny=any"))
    }

    func yamlQuoted(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}

/// Several listen addresses cannot come from one socket unit: `serve` adopts one inherited socket
/// and refuses `listen.hosts` with it, so such a unit would never start. It binds them itself.
@Suite struct SystemdListenHostsTests {
    @Test func severalListenAddressesGetNoSocketUnit() throws {
        let spec = try spec("app:\n  name: shop\n  listen: {hosts: [127.0.0.1, \"::1\"], port: 8000}\n")
        let files = try Generator(spec: spec).files(for: .systemd)
        #expect(files.map(\.path) == ["shop.service"])
        let unit = files[0].contents
        #expect(!unit.contains("shop.socket"), "\(unit)")
        #expect(unit.contains("ExecStart=/usr/local/bin/greenroom serve --config"))
    }
}
