import GreenroomCore

extension LiveChecker {
    /// GR083 (root), GR090 (several processes on one port) and GR091 (owners not visible) for the
    /// sockets on the app's ports and paths.
    func ownerFindings(_ listeners: [ProcNet.TCPListener], unix: [ProcNet.UnixListener]) -> [Finding] {
        let sockets: [(name: String, inode: UInt64, creator: UInt32?, port: Int?)] =
            listeners.map { ($0.description, $0.inode, $0.uid, $0.port) }
            + unix.map { ("unix:\($0.path)", $0.inode, nil, nil) }
        guard !sockets.isEmpty else { return [] }
        let owners = SocketOwners(inodes: Set(sockets.map(\.inode)), system: system)
        var findings: [Finding] = []
        var unknown: [String] = []
        for socket in sockets {
            let processes = owners.processes[socket.inode] ?? []
            if let root = processes.first(where: { $0.effectiveUID == 0 }) {
                findings.append(
                    Rule.liveRootProcess.finding(
                        at: nil,
                        "\(root) listens on \(socket.name) and runs as root (effective uid 0)",
                        fix: "run the app as an unprivileged user: User= (or DynamicUser=yes) in its systemd unit"
                    )
                )
            } else if processes.isEmpty {
                unknown.append(socket.name)
                if socket.creator == 0 {
                    findings.append(
                        Rule.liveRootProcess.finding(
                            at: nil,
                            "\(socket.name) was created by root and its process could not be seen; if the app still "
                                + "runs as root, any bug in it owns the machine",
                            fix:
                                "run greenroom check --live as root to see the process; run the app as an unprivileged user",
                            severity: .warning
                        )
                    )
                }
            }
        }
        if !unknown.isEmpty {
            findings.append(
                Rule.liveIncomplete.finding(
                    at: nil,
                    "could not see which process listens on \(unknown.joined(separator: ", "))"
                        + (owners.isIncomplete ? " (other users' /proc/<pid>/fd need root)" : ""),
                    fix: "run greenroom check --live as root"
                )
            )
        }
        findings += sharedPortFindings(sockets.compactMap { socket in socket.port.map { ($0, socket.inode) } }, owners)
        return findings
    }

    /// GR090 (warning): one port, sockets held by processes that share none of them.
    private func sharedPortFindings(_ sockets: [(port: Int, inode: UInt64)], _ owners: SocketOwners) -> [Finding] {
        var findings: [Finding] = []
        for port in Set(sockets.map(\.port)).sorted() {
            let groups = sockets.filter { $0.port == port }.compactMap { owners.processes[$0.inode] }
                .map { Set($0) }.filter { !$0.isEmpty }
            var distinct: [Set<SocketOwners.Process>] = []
            for group in groups where !distinct.contains(where: { !$0.isDisjoint(with: group) }) {
                distinct.append(group)
            }
            guard distinct.count > 1 else { continue }
            let names = distinct.map { $0.sorted { $0.pid < $1.pid }.first!.description }
            findings.append(
                Rule.liveAddressInUse.finding(
                    at: nil,
                    "port \(port) is held by unrelated processes (\(names.joined(separator: ", "))): connections are "
                        + "shared between them (SO_REUSEPORT)",
                    fix: "stop the process that is not the app",
                    severity: .warning
                )
            )
        }
        return findings
    }
}
