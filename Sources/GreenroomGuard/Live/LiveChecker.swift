import GreenroomCore

/// Runs the live socket rules (`GR080`–`GR086`, `GR090`–`GR092`) against the running system:
/// what listens on the app's port or socket (`/proc/net/tcp`, `tcp6`, `unix`), which process owns
/// it (`/proc/*/fd`), whether the port answers on this host's non-loopback addresses
/// (`getifaddrs`), and the socket file's mode and group.
///
/// ```swift
/// let findings = LiveChecker(expectation: LiveExpectation(spec: spec)).check()
/// ```
package struct LiveChecker: Sendable {
    /// Where the app should listen.
    package var expectation: LiveExpectation
    /// The system read; ``LocalSystem`` unless a test supplies fixtures.
    package var system: any LiveSystem
    /// How long a bypass connection attempt may take.
    package var connectTimeout: Duration

    /// Creates a checker.
    package init(
        expectation: LiveExpectation,
        system: any LiveSystem = LocalSystem(),
        connectTimeout: Duration = .milliseconds(500)
    ) {
        self.expectation = expectation
        self.system = system
        self.connectTimeout = connectTimeout
    }

    /// The TCP listeners from `/proc/net/tcp` and `tcp6`, or `nil` when neither can be read.
    func tcpListeners() -> [ProcNet.TCPListener]? {
        Self.rereadWhileMissing(expected: Set(expectation.ports), key: \.port) {
            let texts = ["/proc/net/tcp", "/proc/net/tcp6"].compactMap(system.readText)
            return texts.isEmpty ? nil : texts.flatMap(ProcNet.tcpListeners)
        }
    }

    /// The listening unix sockets from `/proc/net/unix`, or `nil` when it cannot be read.
    func unixListeners() -> [ProcNet.UnixListener]? {
        Self.rereadWhileMissing(expected: Set(expectation.unixPaths), key: \.path) {
            system.readText("/proc/net/unix").map(ProcNet.unixListeners)
        }
    }

    /// Reads a `/proc/net` socket table up to three times while an expected listener is missing,
    /// and returns everything seen. The kernel prints these tables a page per `read(2)`, and a
    /// socket closing between two pages shifts the next page by a line: on a busy host one read
    /// can miss a listener that is there all along (and report GR082 for a running app).
    static func rereadWhileMissing<Listener: Hashable, Key: Hashable>(
        expected: Set<Key>,
        key: KeyPath<Listener, Key>,
        read: () -> [Listener]?
    ) -> [Listener]? {
        guard let first = read() else { return nil }
        var seen = first
        var known = Set(first)
        for _ in 1..<3 {
            let found = Set(seen.map { $0[keyPath: key] })
            guard !expected.isSubset(of: found), let again = read() else { break }
            for listener in again where known.insert(listener).inserted { seen.append(listener) }
        }
        return seen
    }

    /// Every finding, sorted.
    package func check() -> [Finding] {
        var findings: [Finding] = []
        let interfaces = system.interfaceAddresses()
        let listeners = tcpListeners()
        let unixListeners = expectation.unixPaths.isEmpty ? [] : unixListeners()
        if listeners == nil && !expectation.ports.isEmpty {
            findings.append(
                Rule.liveIncomplete.finding(
                    at: nil,
                    "cannot read /proc/net/tcp or /proc/net/tcp6: the listener rules (GR080-GR083) did not run",
                    fix: "run greenroom check --live on Linux with /proc mounted"
                )
            )
        }
        let appListeners = (listeners ?? []).filter { expectation.ports.contains($0.port) }
        findings += listenerFindings(appListeners, readable: listeners != nil, interfaces: interfaces)
        let appUnix = (unixListeners ?? []).filter { expectation.unixPaths.contains($0.path) }
        findings += ownerFindings(appListeners, unix: appUnix)
        findings += bypassFindings(interfaces)
        findings += unixFindings(listening: unixListeners.map { Set($0.map(\.path)) })
        return Report(findings: findings).findings
    }

    /// GR080, GR081, GR082 and GR092 for TCP.
    private func listenerFindings(
        _ listeners: [ProcNet.TCPListener],
        readable: Bool,
        interfaces: [InterfaceAddress]
    ) -> [Finding] {
        var findings: [Finding] = []
        for listener in listeners where !expectation.direct {
            let address = listener.address.unmapped
            if address.isUnspecified {
                findings.append(
                    Rule.liveWildcardListener.finding(
                        at: nil,
                        "\(listener) listens on every interface: clients reach the app's port without the proxy",
                        fix:
                            "bind the app to \(address.family == .v4 ? "127.0.0.1" : "::1") (app.listen.host, serve --host) "
                            + "or a unix socket, and restart it"
                    )
                )
            } else if !expectation.isExpectedBind(address) {
                findings.append(
                    Rule.liveExposedListener.finding(
                        at: nil,
                        "\(listener) listens on a non-loopback address: clients on that network skip the proxy",
                        fix: "bind the app to 127.0.0.1 or a unix socket; for app hosts behind a balancer, list the "
                            + "address in app.hosts.addresses"
                    )
                )
            }
        }
        guard readable else { return findings }
        var hosts: [IPAddress] = (expectation.host.map { [$0] } ?? []) + expectation.additionalHosts
        if !expectation.hostAddresses.isEmpty {
            let local = Set(interfaces.map(\.address.unmapped))
            hosts = expectation.hostAddresses.filter { local.contains($0.unmapped) }
            if hosts.isEmpty {
                findings.append(
                    Rule.liveAddressNotLocal.finding(
                        at: nil,
                        "none of app.hosts.addresses (\(expectation.hostAddresses.map(\.description).joined(separator: ", "))) "
                            + "is an address of this host, so this is not one of the app hosts",
                        fix:
                            "run greenroom check --live on each app host, or add this host's address to app.hosts.addresses"
                    )
                )
            }
        }
        for host in hosts where !host.isUnspecified {
            for port in expectation.ports
            where !listeners.contains(where: { $0.port == port && Self.accepts($0.address, host) }) {
                let endpoint = host.family == .v4 ? "\(host):\(port)" : "[\(host)]:\(port)"
                let elsewhere = listeners.filter { $0.port == port }.map(\.description)
                findings.append(
                    Rule.liveNotListening.finding(
                        at: nil,
                        "nothing listens on \(endpoint), where the proxy connects"
                            + (elsewhere.isEmpty
                                ? "" : " (port \(port) is open on \(elsewhere.joined(separator: ", ")))"),
                        fix: "start the app (systemctl start the unit), or make app.listen say where it listens"
                    )
                )
            }
        }
        return findings
    }

    /// `true` when a listener bound to `bound` accepts connections to `target`.
    static func accepts(_ bound: IPAddress, _ target: IPAddress) -> Bool {
        let bound = bound.unmapped
        let target = target.unmapped
        if bound == target { return true }
        if bound == .anyV6 { return true }
        return bound == .anyV4 && target.family == .v4
    }

    /// GR084: the app's ports answer on this host's non-loopback addresses.
    private func bypassFindings(_ interfaces: [InterfaceAddress]) -> [Finding] {
        guard !expectation.direct else { return [] }
        var findings: [Finding] = []
        var tried = Set<IPAddress>()
        for interface in interfaces {
            let address = interface.address.unmapped
            guard !address.isLoopback, !address.isUnspecified, !address.isMulticast, tried.insert(address).inserted,
                !expectation.balancers.contains(where: { $0.contains(address) })
            else { continue }
            for port in expectation.ports where system.canConnect(to: interface, port: port, timeout: connectTimeout) {
                let remote = expectation.hostAddresses.contains { $0.unmapped == address }
                findings.append(
                    Rule.liveBypassReachable.finding(
                        at: nil,
                        "connected to the app's port at \(interface.endpoint(port: port)) (\(interface.interface)) "
                            + (remote
                                ? "from this host, which is not a balancer: the unit's IPAddressAllow is not in force"
                                : "without the proxy: other hosts can too"),
                        fix: remote
                            ? "run the app under the generated systemd unit (IPAddressDeny=any, IPAddressAllow=the "
                                + "balancers), or firewall the port to the balancers"
                            : "bind the app to 127.0.0.1 or a unix socket"
                    )
                )
            }
        }
        return findings
    }
}
