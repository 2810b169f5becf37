import GreenroomCore

extension LiveChecker {
    /// GR090 and GR092 before binding `bind` (for `greenroom serve` start-up): something already
    /// listens where the bind would conflict (same address, or a wildcard on either side), or a
    /// specific address is not one of this host's. Unix sockets are the server's own check.
    package func bindFindings(_ bind: BindTarget) -> [Finding] {
        guard case .tcp(let host, let port) = bind, port > 0 else { return [] }
        var bare = Substring(host)
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = bare.dropFirst().dropLast() }
        let lowered = bare.lowercased()
        guard
            let address = ["", "*"].contains(lowered) ? .anyV4 : lowered == "localhost" ? .loopbackV4 : IPAddress(bare)
        else { return [] }
        var findings: [Finding] = []
        let shown = address.family == .v4 ? "\(address):\(port)" : "[\(address)]:\(port)"
        let conflicting = (tcpListeners() ?? []).filter {
            $0.port == port && (Self.accepts($0.address, address) || Self.accepts(address, $0.address))
        }
        if !conflicting.isEmpty {
            let owners = SocketOwners(inodes: Set(conflicting.map(\.inode)), system: system)
            let holders = Set(conflicting.flatMap { owners.processes[$0.inode] ?? [] }).sorted { $0.pid < $1.pid }
            let who = holders.isEmpty ? "another process" : holders.map(\.description).joined(separator: ", ")
            findings.append(
                Rule.liveAddressInUse.finding(
                    at: nil,
                    "\(shown) is taken: \(who) already listens on \(conflicting.map(\.description).joined(separator: ", "))",
                    fix: "stop that process (an older instance?) or choose another --port"
                )
            )
        }
        let unmapped = address.unmapped
        if !unmapped.isUnspecified, !unmapped.isLoopback,
            !system.interfaceAddresses().contains(where: { $0.address.unmapped == unmapped })
        {
            findings.append(
                Rule.liveAddressNotLocal.finding(
                    at: nil,
                    "\(unmapped) is not an address of this host, so \(shown) cannot be bound",
                    fix: "bind one of this host's addresses (see `ip addr`), usually 127.0.0.1",
                    severity: .error
                )
            )
        }
        return findings
    }
}
