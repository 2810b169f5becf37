import GreenroomCore
import GreenroomDeploy

extension SpecChecker {
    /// The `greenroom serve` flags written in `app.exec` that the spec also decides, with their values
    /// (`--port 9000` and `--port=9000` alike). Repeated flags keep every value.
    public static func serveFlags(_ command: [String]) -> [(name: String, value: String?)] {
        let valued: Set<String> = [
            "host", "port", "unix", "trust", "proxy-protocol", "hops", "config", "forwarded-headers",
            "max-connections", "max-header-bytes", "max-body-bytes", "header-timeout", "body-timeout", "idle-timeout",
            "proxy-protocol-timeout", "shutdown-timeout", "access-log", "log-level", "threads",
        ]
        var flags: [(String, String?)] = []
        var index = 2  // after `greenroom serve`
        while index < command.count {
            let argument = command[index]
            index += 1
            guard argument.hasPrefix("--") else { continue }
            var name = String(argument.dropFirst(2))
            var value: String? = nil
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            } else if valued.contains(name), index < command.count {
                value = command[index]
                index += 1
            }
            flags.append((name, value))
        }
        return flags
    }

    /// GR014 (and GR001, GR003, GR006, GR008 for the flags they cover): `app.exec` flags that
    /// contradict the spec the proxy and unit are generated from.
    func execFindings() -> [Finding] {
        let app = spec.app
        guard app.exec != nil, app.runsGreenroomServe else { return [] }
        let place = at("app.exec")
        var findings: [Finding] = []
        func add(_ rule: Rule, _ message: String, _ fix: String) {
            findings.append(rule.finding(at: place, "app.exec: \(message)", fix: fix))
        }
        let flags = Self.serveFlags(app.effectiveExec)
        var trusts: [String] = []
        for (name, value) in flags {
            guard let value, !value.contains("%i") else { continue }
            switch name {
            case "host":
                var bare = Substring(value)
                if bare.hasPrefix("["), bare.hasSuffix("]") { bare = bare.dropFirst().dropLast() }
                let address = ["", "*"].contains(bare) ? IPAddress.anyV4 : IPAddress(bare)
                if let address, address.isUnspecified, !(spec.proxy.kind == .none && app.allowPublic) {
                    add(
                        .specWildcardBind,
                        "--host \(value) listens on every interface, so clients can bypass the proxy",
                        "remove --host from app.exec; app.listen decides (127.0.0.1 or a unix socket)"
                    )
                } else if app.hosts == nil, case .tcp(let host?, _) = app.listen, let address, address != host {
                    add(
                        .specExecOverrides,
                        "--host \(value) overrides app.listen.host (\(host)), where the proxy connects",
                        "remove --host from app.exec and set app.listen.host"
                    )
                } else if app.unixPath != nil {
                    add(
                        .specExecOverrides,
                        "--host \(value), but app.listen is a unix socket",
                        "remove --host from app.exec"
                    )
                }
            case "port":
                guard let port = Int(value) else { continue }
                if port > 0 && port < 1024 {
                    add(.specPrivilegedPort, "--port \(port) is a privileged port", "remove --port from app.exec")
                } else if app.instances == 1, let own = app.port, port != Int(own) {
                    add(
                        .specExecOverrides,
                        "--port \(port) overrides app.listen.port (\(own)), where the proxy connects",
                        "remove --port from app.exec and set app.listen.port"
                    )
                }
            case "unix":
                if value != app.unixPath(instance: "1") {
                    add(
                        .specExecOverrides,
                        "--unix \(value) overrides app.listen (\(app.unixPath.map { "unix:\($0)" } ?? "TCP")), where the proxy connects",
                        "remove --unix from app.exec and set app.listen.unix"
                    )
                }
            case "trust":
                trusts.append(value)
            case "proxy-protocol":
                if value == "required" && app.proxyProtocol == .off {
                    add(
                        .specProxyProtocol,
                        "--proxy-protocol required, but app.proxy_protocol is off: the proxy sends "
                            + "no PROXY header and the app closes every connection",
                        "remove --proxy-protocol from app.exec, or set app.proxy_protocol to what the proxy sends"
                    )
                } else if value == "off" && app.proxyProtocol != .off {
                    add(
                        .specProxyProtocol,
                        "--proxy-protocol off, but the proxy sends the PROXY protocol "
                            + "\(app.proxyProtocol.rawValue): every request starts with a line the app reads as garbage",
                        "remove --proxy-protocol from app.exec"
                    )
                }
            default:
                continue
            }
        }
        if !trusts.isEmpty { execTrustFindings(trusts, add: add) }
        return findings
    }

    private func execTrustFindings(_ trusts: [String], add: (Rule, String, String) -> Void) {
        let parsed =
            trusts == ["none"] ? TrustedProxies.none : try? TrustedProxies(parsing: trusts, allowingEverything: true)
        guard let parsed else {
            add(
                .specExecOverrides,
                "--trust \(trusts.joined(separator: ", ")) does not parse",
                "remove --trust from app.exec"
            )
            return
        }
        if parsed.trustsEveryone {
            add(
                .specTrustTooBroad,
                "--trust \(trusts.joined(separator: ", ")) trusts every address",
                "remove --trust from app.exec; app.trust lists the proxy"
            )
        } else if Set(parsed.entries) != Set(spec.app.trust.entries) {
            add(
                .specExecOverrides,
                "--trust \(trusts.joined(separator: ", ")) overrides app.trust (\(spec.app.trust)), which the proxy "
                    + "configuration was generated for",
                "remove --trust from app.exec and set app.trust"
            )
        }
    }
}
