import GreenroomCore
import GreenroomDeploy
import GreenroomGuard
import Testing

/// The live socket rules on fixture `/proc` text and invented interfaces.
@Suite struct LiveCheckerTests {
    typealias P = ProcFixtures

    /// The app's port 8000 is `1F40` in /proc.
    static let loopback8000 = "0100007F:1F40"
    static let wildcard8000 = "00000000:1F40"
    static let eth8000 = "020200C0:1F40"
    static let v6Wildcard8000 = "00000000000000000000000000000000:1F40"
    static let v6Loopback8000 = "00000000000000000000000001000000:1F40"
    static let v6Mapped8000 = "0000000000000000FFFF00000100007F:1F40"
    static let ula8000 = "000000FD000000000000000002000000:1F40"

    /// A system with these /proc/net/tcp and tcp6 lines, the sandbox's interfaces, and the app
    /// (pid 812, uid 997) holding `appInodes`.
    static func system(
        tcp: [String] = [],
        tcp6: [String] = [],
        appInodes: [UInt64] = [],
        appUID: UInt32 = 997,
        reachable: Set<String> = []
    ) -> FakeSystem {
        var system = FakeSystem()
        system.texts["/proc/net/tcp"] = P.tcpHeader + P.noise + tcp.joined()
        system.texts["/proc/net/tcp6"] = P.tcp6Header + tcp6.joined()
        system.interfaces = FakeSystem.interfaces
        system.reachable = reachable
        system.process(1, "systemd", uid: 0, inodes: [])
        system.process(812, "greenroom", uid: appUID, inodes: appInodes)
        return system
    }

    static func rules(_ findings: [Finding]) -> [String] { findings.map(\.rule.description).sorted() }

    static let app = LiveExpectation(ports: [8000])

    @Test func aLoopbackAppIsClean() {
        let system = Self.system(tcp: [P.tcp(0, Self.loopback8000, inode: 5001)], appInodes: [5001])
        let findings = LiveChecker(expectation: Self.app, system: system).check()
        #expect(findings.isEmpty, "\(findings)")
    }

    /// The kernel prints /proc/net/tcp a page per read, so a socket closing elsewhere can make
    /// one read miss a listener that is there: the checker reads again before saying GR082.
    @Test func aListenerMissingFromOneReadOfTheTableIsFoundOnTheNext() {
        let complete = Self.system(tcp: [P.tcp(0, Self.loopback8000, inode: 5001)], appInodes: [5001])
        var missing = complete
        missing.texts["/proc/net/tcp"] = P.tcpHeader + P.noise
        let system = ChangingSystem(reads: [missing, complete])
        let findings = LiveChecker(expectation: Self.app, system: system).check()
        #expect(findings.isEmpty, "\(findings)")
        #expect(system.tableReads == 2)
    }

    @Test func aListenerMissingFromEveryReadIsReportedAfterThree() {
        let system = ChangingSystem(reads: [Self.system()])
        let findings = LiveChecker(expectation: Self.app, system: system).check()
        #expect(Self.rules(findings) == ["GR082"], "\(findings)")
        #expect(system.tableReads == 3)
    }

    @Test func aWildcardListenerIsAReachableBypass() {
        let system = Self.system(
            tcp: [P.tcp(0, Self.wildcard8000, inode: 5001)],
            appInodes: [5001],
            reachable: ["192.0.2.2:8000", "[fd00::2]:8000"]
        )
        let findings = LiveChecker(expectation: Self.app, system: system).check()
        #expect(Self.rules(findings) == ["GR080", "GR084", "GR084"], "\(findings)")
        #expect(findings.allSatisfy { $0.severity == .error && $0.location == nil })
        #expect(findings.contains { $0.message.hasPrefix("0.0.0.0:8000 listens on every interface") })
        #expect(findings.contains { $0.message.contains("[fd00::2]:8000 (eth0)") })
    }

    @Test func anIPv6WildcardIsAWildcardToo() {
        let system = Self.system(tcp6: [P.tcp6(0, Self.v6Wildcard8000, inode: 5001)], appInodes: [5001])
        #expect(Self.rules(LiveChecker(expectation: Self.app, system: system).check()) == ["GR080"])
    }

    @Test func loopbackIPv6AndMappedListenersAreFine() {
        let mapped = Self.system(tcp6: [P.tcp6(0, Self.v6Mapped8000, inode: 5001)], appInodes: [5001])
        #expect(LiveChecker(expectation: Self.app, system: mapped).check().isEmpty)
        let v6 = Self.system(tcp6: [P.tcp6(0, Self.v6Loopback8000, inode: 5001)], appInodes: [5001])
        #expect(
            Self.rules(LiveChecker(expectation: LiveExpectation(ports: [8000], host: .loopbackV6), system: v6).check())
                == []
        )
        // The app expects 127.0.0.1, but listens on ::1 only: the proxy's connections fail.
        #expect(Self.rules(LiveChecker(expectation: Self.app, system: v6).check()) == ["GR082"])
    }

    /// `app.listen.hosts: [127.0.0.1, ::1]`: each address must have its listener (GR082 names the
    /// missing one).
    @Test func everyListenHostMustListen() {
        var app = LiveExpectation(ports: [8000])
        app.additionalHosts = [.loopbackV6]
        let both = Self.system(
            tcp: [P.tcp(0, Self.loopback8000, inode: 5001)],
            tcp6: [P.tcp6(0, Self.v6Loopback8000, inode: 5002)],
            appInodes: [5001, 5002]
        )
        #expect(LiveChecker(expectation: app, system: both).check().isEmpty)
        let v4Only = Self.system(tcp: [P.tcp(0, Self.loopback8000, inode: 5001)], appInodes: [5001])
        let findings = LiveChecker(expectation: app, system: v4Only).check()
        #expect(Self.rules(findings) == ["GR082"], "\(findings)")
        #expect(findings.first?.message.contains("[::1]:8000") == true, "\(findings)")
    }

    @Test func aListenerOnTheLANAddressIsExposed() {
        let system = Self.system(
            tcp: [P.tcp(0, Self.eth8000, inode: 5001)],
            appInodes: [5001],
            reachable: ["192.0.2.2:8000"]
        )
        let findings = LiveChecker(expectation: Self.app, system: system).check()
        #expect(Self.rules(findings) == ["GR081", "GR082", "GR084"], "\(findings)")
        let missing = findings.first { $0.rule.description == "GR082" }
        #expect(
            missing?.message
                == "nothing listens on 127.0.0.1:8000, where the proxy connects (port 8000 is open on 192.0.2.2:8000)"
        )
    }

    @Test func theAppRunningAsRootIsAnError() {
        let system = Self.system(tcp: [P.tcp(0, Self.loopback8000, uid: 0, inode: 5001)], appInodes: [5001], appUID: 0)
        let findings = LiveChecker(expectation: Self.app, system: system).check()
        #expect(Self.rules(findings) == ["GR083"])
        #expect(findings.first?.severity == .error)
        #expect(
            findings.first?.message
                == "greenroom (pid 812) listens on 127.0.0.1:8000 and runs as root (effective uid 0)"
        )
    }

    /// Binding as root and dropping privileges is fine: the process's effective uid counts.
    @Test func aSocketCreatedByRootInAnUnprivilegedProcessIsFine() {
        let system = Self.system(
            tcp: [P.tcp(0, Self.loopback8000, uid: 0, inode: 5001)],
            appInodes: [5001],
            appUID: 997
        )
        #expect(LiveChecker(expectation: Self.app, system: system).check().isEmpty)
    }

    @Test func invisibleOwnersAreSaidAndARootCreatorWarned() {
        var system = Self.system(tcp: [P.tcp(0, Self.loopback8000, uid: 0, inode: 5001)])
        // Another user's process: its status is readable, its descriptors are not.
        system.directories["/proc", default: []].append("4242")
        system.texts["/proc/4242/comm"] = "greenroom\n"
        let findings = LiveChecker(expectation: Self.app, system: system).check()
        #expect(Self.rules(findings) == ["GR083", "GR091"], "\(findings)")
        #expect(findings.first { $0.rule.description == "GR083" }?.severity == .warning)
        #expect(findings.first { $0.rule.description == "GR091" }?.message.contains("need root") == true)
    }

    @Test func nothingListening() {
        let findings = LiveChecker(expectation: Self.app, system: Self.system()).check()
        #expect(Self.rules(findings) == ["GR082"])
        #expect(findings.first?.severity == .warning)
    }

    @Test func withoutProcTheBypassIsStillTried() {
        var system = FakeSystem()
        system.interfaces = FakeSystem.interfaces
        system.reachable = ["192.0.2.2:8000"]
        let findings = LiveChecker(expectation: Self.app, system: system).check()
        #expect(Self.rules(findings) == ["GR084", "GR091"], "\(findings)")
    }

    @Test func instancesAreEachChecked() {
        let system = Self.system(
            tcp: [P.tcp(0, Self.loopback8000, inode: 5001), P.tcp(1, "00000000:1F41", inode: 5002)],
            appInodes: [5001, 5002]
        )
        let findings = LiveChecker(expectation: LiveExpectation(ports: [8000, 8001, 8002]), system: system).check()
        #expect(Self.rules(findings) == ["GR080", "GR082"], "\(findings)")
        #expect(findings.contains { $0.message.hasPrefix("nothing listens on 127.0.0.1:8002") })
    }

    /// The remote-proxy topology: the app host's own private address is expected, but this host
    /// is no balancer, so reaching it means the unit's address filter is not working.
    @Test func appHostsListenOnTheirAddressButOnlyBalancersMayConnect() throws {
        let spec = try DeploymentSpec.parse(
            yaml: "app:\n  hosts: {addresses: [\"fd00::2\", \"fd00::3\"], balancers: [\"fd00::99\"]}\n"
        )
        let expectation = LiveExpectation(spec: spec)
        let filtered = Self.system(tcp6: [P.tcp6(0, Self.ula8000, inode: 5001)], appInodes: [5001])
        #expect(LiveChecker(expectation: expectation, system: filtered).check().isEmpty)
        let open = Self.system(
            tcp6: [P.tcp6(0, Self.ula8000, inode: 5001)],
            appInodes: [5001],
            reachable: ["[fd00::2]:8000"]
        )
        let findings = LiveChecker(expectation: expectation, system: open).check()
        #expect(Self.rules(findings) == ["GR084"])
        #expect(findings.first?.message.contains("not a balancer") == true)
        // On a host that is none of the app hosts, the check says so.
        var elsewhere = filtered
        elsewhere.interfaces = [InterfaceAddress(interface: "eth0", address: IPAddress("fd00::7")!)]
        #expect(Self.rules(LiveChecker(expectation: expectation, system: elsewhere).check()) == ["GR092"])
    }

    @Test func directServingMayListenEverywhere() throws {
        let spec = try DeploymentSpec.parse(
            yaml: "app:\n  listen: {host: 0.0.0.0, port: 8000}\n  allow_public: true\nproxy:\n  kind: none\n"
        )
        let system = Self.system(
            tcp: [P.tcp(0, Self.wildcard8000, inode: 5001)],
            appInodes: [5001],
            reachable: ["192.0.2.2:8000"]
        )
        #expect(LiveChecker(expectation: LiveExpectation(spec: spec), system: system).check().isEmpty)
    }

    @Test func unrelatedProcessesSharingThePortAreReported() {
        var system = Self.system(
            tcp: [P.tcp(0, Self.loopback8000, inode: 5001), P.tcp(1, Self.loopback8000, uid: 1000, inode: 6001)],
            appInodes: [5001]
        )
        system.process(901, "python3", uid: 1000, inodes: [6001])
        let findings = LiveChecker(expectation: Self.app, system: system).check()
        #expect(Self.rules(findings) == ["GR090"])
        #expect(findings.first?.severity == .warning)
        #expect(findings.first?.message.contains("greenroom (pid 812), python3 (pid 901)") == true)
        // A master and its workers share one socket: one owner, nothing to report.
        var workers = Self.system(tcp: [P.tcp(0, Self.loopback8000, inode: 5001)], appInodes: [5001])
        workers.process(813, "greenroom", uid: 997, inodes: [5001])
        #expect(LiveChecker(expectation: Self.app, system: workers).check().isEmpty)
    }

    // MARK: - unix sockets

    static func unixSystem(mode: UInt32, uid: UInt32 = 997, gid: UInt32 = 33, listening: Bool = true) -> FakeSystem {
        var system = Self.system()
        let line = "000000000d8ccb76: 00000002 00000000 00010000 0001 01 7001 /run/app/app.sock\n"
        system.texts["/proc/net/unix"] =
            P.unixHeader + (listening ? line : "")
            + "000000008962dd48: 00000003 00000000 00000000 0001 03 378086\n"
        system.files["/run/app/app.sock"] = FileStatus(kind: .socket, mode: mode, uid: uid, gid: gid)
        system.process(812, "greenroom", uid: 997, inodes: [7001])
        return system
    }

    static let unixApp = LiveExpectation(ports: [], host: nil, unixPaths: ["/run/app/app.sock"], proxyGroup: "www-data")

    @Test(arguments: [
        (UInt32(0o660), UInt32(33), [String]()),
        (0o666, 33, ["GR085"]),
        (0o777, 100, ["GR085"]),
        (0o660, 100, ["GR086"]),
        (0o600, 999, ["GR086"]),
        (0o640, 33, ["GR086"]),
        (0o600, 33, ["GR086"]),
    ])
    func unixSocketModeAndGroup(_ mode: UInt32, _ gid: UInt32, _ expected: [String]) {
        let findings = LiveChecker(expectation: Self.unixApp, system: Self.unixSystem(mode: mode, gid: gid)).check()
        #expect(Self.rules(findings) == expected, "\(findings)")
    }

    @Test func unixSocketMissingOrStale() throws {
        var missing = Self.unixSystem(mode: 0o660)
        missing.files = [:]
        #expect(Self.rules(LiveChecker(expectation: Self.unixApp, system: missing).check()) == ["GR082"])
        let stale = Self.unixSystem(mode: 0o660, listening: false)
        let findings = LiveChecker(expectation: Self.unixApp, system: stale).check()
        #expect(Self.rules(findings) == ["GR082"])
        #expect(findings.first?.message.contains("stale") == true)
    }

    @Test func aUnixSocketHeldByRoot() {
        var system = Self.unixSystem(mode: 0o660)
        system.process(812, "greenroom", uid: 0, inodes: [7001])
        let findings = LiveChecker(expectation: Self.unixApp, system: system).check()
        #expect(Self.rules(findings) == ["GR083"])
        #expect(findings.first?.message.contains("unix:/run/app/app.sock") == true)
    }

    @Test func theSpecGivesTheSocketsAndTheProxysGroup() throws {
        let spec = try DeploymentSpec.parse(yaml: "app:\n  listen: {unix: /run/app/app.sock}\n  instances: 2\n")
        let expectation = LiveExpectation(spec: spec)
        #expect(expectation.unixPaths == ["/run/app/app-1.sock", "/run/app/app-2.sock"])
        #expect(expectation.proxyGroup == "www-data" && expectation.ports.isEmpty)
    }
}
