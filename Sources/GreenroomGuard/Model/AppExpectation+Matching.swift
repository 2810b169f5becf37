import GreenroomConfigParsing
import GreenroomCore

extension AppExpectation {
    /// How a proxy's backend address relates to the app's binds.
    public enum Match: Sendable, Hashable {
        /// The proxy reaches this bind.
        case reaches(BindTarget)
        /// The proxy connects somewhere the app does not listen.
        case misses
        /// The address cannot be judged statically (a host name other than `localhost`).
        case unknown
    }

    /// Decides whether a connection to `endpoint` reaches one of the app's binds.
    ///
    /// `localhost` counts as `127.0.0.1` and `::1`; a wildcard destination as loopback (what Linux
    /// does with it); an app bound to `0.0.0.0` is reached through any IPv4 address, to `::`
    /// through any address (dual stack).
    public func match(_ endpoint: ProxyEndpoint.Address) -> Match {
        switch endpoint {
        case .unix(let path):
            for bind in binds {
                if case .unix(let own) = bind, ConfigPath.normalize(own) == ConfigPath.normalize(path) {
                    return .reaches(bind)
                }
            }
            return .misses
        case .tcp(let host, let port):
            let candidates = binds.filter { if case .tcp(_, port) = $0 { true } else { false } }
            if candidates.isEmpty { return .misses }
            guard let targets = Self.addresses(ofDestination: host) else { return .unknown }
            for bind in candidates {
                guard case .tcp(let bindHost, _) = bind else { continue }
                let own = Self.addresses(ofBind: bindHost)
                for target in targets {
                    for address in own {
                        if address == IPAddress.anyV6 { return .reaches(bind) }
                        if address == IPAddress.anyV4 && target.unmapped.family == .v4 { return .reaches(bind) }
                        if address.unmapped == target.unmapped { return .reaches(bind) }
                    }
                }
            }
            return .misses
        }
    }

    /// The addresses a proxy connects to for `host`; `nil` for a name that cannot be resolved
    /// statically.
    static func addresses(ofDestination host: String) -> [IPAddress]? {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "localhost." { return [.loopbackV4, .loopbackV6] }
        if lowered == "ip6-localhost" { return [.loopbackV6] }
        guard let address = IPAddress(numericHost: host) else { return nil }
        if address.isUnspecified { return [address.family == .v4 ? .loopbackV4 : .loopbackV6] }
        return [address]
    }

    /// The addresses an app bound to `host` listens on.
    static func addresses(ofBind host: String) -> [IPAddress] {
        var host = Substring(host)
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "localhost." { return [.loopbackV4] }
        if host.isEmpty || host == "*" { return [.anyV6] }
        return IPAddress(numericHost: String(host)).map { [$0] } ?? []
    }

    /// The loopback addresses (`127.0.0.1`, `::1`) the app listens on, wildcards counting as both.
    var loopbackListeners: Set<IPAddress> {
        var result = Set<IPAddress>()
        for bind in binds {
            guard case .tcp(let host, _) = bind else { continue }
            for address in Self.addresses(ofBind: host) {
                if address == .anyV6 { result.formUnion([.loopbackV4, .loopbackV6]) }
                if address == .anyV4 { result.insert(.loopbackV4) }
                if address.unmapped.isLoopback {
                    result.insert(address.unmapped.family == .v4 ? .loopbackV4 : .loopbackV6)
                }
            }
        }
        return result
    }
}
