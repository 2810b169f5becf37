import GreenroomCore

extension LiveChecker {
    /// GR082, GR085 and GR086 for the app's unix sockets: present, listening, and connectable only
    /// by the app and the proxy.
    ///
    /// - Parameter listening: the listening socket paths from `/proc/net/unix`, `nil` when unreadable.
    func unixFindings(listening: Set<String>?) -> [Finding] {
        var findings: [Finding] = []
        for path in expectation.unixPaths {
            guard let status = system.fileStatus(path) else {
                findings.append(
                    Rule.liveNotListening.finding(
                        at: nil,
                        "\(path) does not exist: the app is not running, or listens elsewhere",
                        fix: "start the app, or make app.listen.unix say where it listens"
                    )
                )
                continue
            }
            guard status.kind == .socket else {
                findings.append(
                    Rule.liveNotListening.finding(
                        at: nil,
                        "\(path) is not a socket",
                        fix: "remove it and restart the app, or choose another path"
                    )
                )
                continue
            }
            if let listening, !listening.contains(path) {
                findings.append(
                    Rule.liveNotListening.finding(
                        at: nil,
                        "nothing listens on \(path) (a stale socket file)",
                        fix: "start the app; greenroom serve removes a stale socket itself"
                    )
                )
            }
            let group = system.groupName(status.gid) ?? String(status.gid)
            let owner = system.userName(status.uid) ?? String(status.uid)
            let shown = "\(path) (mode \(status.octalMode), owner \(owner), group \(group))"
            if status.mode & 0o002 != 0 {
                findings.append(
                    Rule.liveSocketWorldWritable.finding(
                        at: nil,
                        "\(shown) is writable by every local user: any of them can talk to the app without "
                            + "the proxy, and the app trusts unix peers",
                        fix: "make the socket 0660 with the proxy's group (greenroom serve --unix does; systemd: "
                            + "Group=\(expectation.proxyGroup ?? "www-data"), UMask=0007)"
                    )
                )
                continue
            }
            guard let proxyGroup = expectation.proxyGroup else { continue }
            let proxyCanConnect =
                (group == proxyGroup && status.mode & 0o020 != 0) || (owner == proxyGroup && status.mode & 0o200 != 0)
            if group != proxyGroup && status.mode & 0o020 != 0 {
                findings.append(
                    Rule.liveSocketGroup.finding(
                        at: nil,
                        "\(shown): members of \(group) can connect without the proxy, which runs as \(proxyGroup)",
                        fix: "give the socket the proxy's group: Group=\(proxyGroup) in the app's unit"
                    )
                )
            } else if !proxyCanConnect {
                findings.append(
                    Rule.liveSocketGroup.finding(
                        at: nil,
                        "\(shown): the proxy (group \(proxyGroup)) cannot connect, so every request fails with 502",
                        fix: "give the socket mode 0660 and the proxy's group: Group=\(proxyGroup) in the app's unit"
                    )
                )
            }
        }
        return findings
    }
}
