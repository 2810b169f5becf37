import GreenroomCore

extension Generator {
    /// Whether a `.socket` unit holds the listening socket: only for `greenroom serve` (which
    /// reads `LISTEN_FDS`) on one address; with `app.listen.hosts` it binds every address itself.
    var usesSocketUnit: Bool { spec.app.runsGreenroomServe && spec.app.additionalListenHosts.isEmpty }

    /// One unit, or with `app.hosts` one unit per app host (in a directory named after its address).
    func systemdFiles() throws -> [GeneratedFile] {
        let app = spec.app
        let unit = spec.systemd.unitName(app: app)
        let file = app.instances > 1 ? "\(unit)@.service" : "\(unit).service"
        let socket = app.instances > 1 ? "\(unit)@.socket" : "\(unit).socket"
        guard let hosts = app.hosts else {
            let context = systemdContext(host: nil)
            return [try render(.systemd, "systemd-service", context, path: file, summary: "systemd unit")]
                + (usesSocketUnit
                    ? [try render(.systemd, "systemd-socket", context, path: socket, summary: "systemd socket")] : [])
        }
        return try hosts.addresses.flatMap { address in
            let context = systemdContext(host: address)
            let service = try render(
                .systemd,
                "systemd-service",
                context,
                path: "\(address)/\(file)",
                summary: "systemd unit for app host \(address)"
            )
            guard usesSocketUnit else { return [service] }
            return [
                service,
                try render(
                    .systemd,
                    "systemd-socket",
                    context,
                    path: "\(address)/\(socket)",
                    summary: "systemd socket for app host \(address)"
                ),
            ]
        }
    }

    /// The `.socket` unit's values: where it listens (`ListenStream=`), who owns a unix socket, the
    /// unit names that tie the service to it. Only for `greenroom serve`, which reads `LISTEN_FDS`.
    func systemdSocketContext(into context: inout [String: Any], host: IPAddress?) {
        let app = spec.app
        let unit = spec.systemd.unitName(app: app)
        let templated = app.instances > 1
        guard usesSocketUnit else {
            context["socket_unit"] = false
            return
        }
        context["socket_file"] = templated ? "\(unit)@.socket" : "\(unit).socket"
        context["socket_unit"] = templated ? "\(unit)@%i.socket" : "\(unit).socket"
        if templated {
            let instances = app.unixPath != nil ? (1...app.instances).map(String.init) : app.ports.map(String.init)
            context["socket_enable"] = instances.map { "\(unit)@\($0).socket" }.joined(separator: " ")
        } else {
            context["socket_enable"] = "\(unit).socket"
        }
        context["backlog"] = 512
        if let path = templated ? app.unixPath(instance: "%i") : app.unixPath {
            context["unix_socket"] = true
            context["listen_stream"] = path
            switch app.user {
            case .dynamic: context["socket_user"] = "root"
            case .named(let name): context["socket_user"] = name
            }
            context["socket_group"] = spec.systemd.effectiveGroup(app: app, proxy: spec.proxy.kind) ?? false
        } else {
            context["unix_socket"] = false
            var listenHost: IPAddress?
            if case .tcp(let host, _) = app.listen { listenHost = host }
            let address = host ?? listenHost ?? .loopbackV4
            let shown = address.family == .v4 ? address.description : "[\(address)]"
            context["listen_stream"] = "\(shown):\(templated ? "%i" : "\(app.ports.first ?? 8000)")"
        }
    }

    /// One `ExecStart=` argument: `%` and `$` escaped (except the `%i` instance specifier), and
    /// quoted when it holds spaces, quotes, backslashes or `;`.
    static func systemdArgument(_ argument: String) -> String {
        var escaped = ""
        var characters = Array(argument)[...]
        while let character = characters.popFirst() {
            switch character {
            case "%":
                if let next = characters.first, next == "i" || next == "I" {
                    escaped.append("%")
                } else {
                    escaped += "%%"
                }
            case "$": escaped += "$$"
            default: escaped.append(character)
            }
        }
        guard escaped.contains(where: { " \t\"'\\;".contains($0) }) || escaped.isEmpty else { return escaped }
        return "\"" + escaped.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }

    /// `"NAME=value"` for `Environment=`.
    static func systemdEnvironment(_ name: String, _ value: String) -> String {
        let escaped = value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("%", with: "%%")
        return "\"\(name)=\(escaped)\""
    }

    func systemdContext(host: IPAddress?) -> [String: Any] {
        let app = spec.app
        let systemd = spec.systemd
        var context = commonContext(.systemd)
        let unit = systemd.unitName(app: app)
        let templated = app.instances > 1

        context["unit_file"] = templated ? "\(unit)@.service" : "\(unit).service"
        if templated {
            let instances = app.unixPath != nil ? (1...app.instances).map(String.init) : app.ports.map(String.init)
            context["enable"] = instances.map { "\(unit)@\($0)" }.joined(separator: " ")
        } else {
            context["enable"] = unit
        }
        context["host"] = host.map(\.description) ?? false
        switch spec.proxy.kind {
        case .nginx: context["proxy"] = "nginx"
        case .apache: context["proxy"] = "Apache httpd"
        case .haproxy: context["proxy"] = "HAProxy"
        case .none: context["proxy"] = "no proxy"
        }
        context["description"] =
            spec.proxy.kind == .none
            ? "Greenroom app server, serving clients directly" : "Greenroom app server behind \(context["proxy"]!)"

        var command = app.effectiveExec
        var environment = systemd.environment.map { Generator.systemdEnvironment($0.name, $0.value) }
        // An app of its own has no flags for these; `serve` gets them as flags below and would
        // never read the variables, which would only mislead an operator.
        if !app.runsGreenroomServe {
            if templated {
                environment.append(
                    Generator.systemdEnvironment("GREENROOM_INSTANCE", "%i").replacing("%%i", with: "%i")
                )
            }
            if let host { environment.append(Generator.systemdEnvironment("GREENROOM_HOST", host.description)) }
        }
        if app.runsGreenroomServe {
            if let host { command += ["--host", host.description] }
            if templated {
                if app.unixPath != nil {
                    command += ["--unix", app.unixPath(instance: "%i")!]
                } else {
                    command += ["--port", "%i"]
                }
            }
        }
        context["exec"] = command.map(Generator.systemdArgument).joined(separator: " ")
        switch app.user {
        case .dynamic:
            context["dynamic_user"] = true
        case .named(let name):
            context["user"] = name
        }
        context["group"] = systemd.effectiveGroup(app: app, proxy: spec.proxy.kind) ?? false
        let workingDirectory = app.effectiveWorkingDirectory
        context["working_directory"] = workingDirectory
        context["state_directory"] =
            workingDirectory.hasPrefix("/var/lib/") ? String(workingDirectory.dropFirst("/var/lib/".count)) : false

        var readWritePaths = systemd.readWritePaths
        if let socket = app.unixPath {
            let directory = String(socket[..<(socket.lastIndex(of: "/") ?? socket.startIndex)])
            let parts = directory.split(separator: "/")
            if parts.count >= 2, parts[0] == "run" {
                context["runtime_directory"] = parts.dropFirst().joined(separator: "/")
                context["preserve_runtime_directory"] = templated
            } else if !directory.isEmpty, !readWritePaths.contains(directory) {
                readWritePaths.append(directory)
            }
        }
        context["read_write_paths"] = readWritePaths
        context["environment"] = environment
        context["environment_file"] = systemd.environmentFile ?? false
        context["restart"] = systemd.restart
        context["restart_sec"] = SpecValues.format(systemd.restartDelay)
        context["shutdown_timeout"] = SpecValues.format(app.limits.shutdownTimeout)
        context["stop_timeout"] = SpecValues.format(app.limits.shutdownTimeout + .seconds(5))
        context["max_connections"] = app.limits.maxConnections
        context["nofile"] = app.limits.maxConnections + 1024
        context["umask"] = app.unixPath != nil ? "0007" : "0077"
        systemdSocketContext(into: &context, host: host)
        // The socket unit owns the unix socket's file: the runtime directory outlives restarts.
        if app.runsGreenroomServe, app.unixPath != nil, context["runtime_directory"] != nil {
            context["preserve_runtime_directory"] = true
        }
        context["hardening"] = systemd.hardening

        var allow = ["localhost"]
        allow += (app.hosts?.balancers ?? []).map(\.configText)
        allow += app.outbound.map(\.configText)
        let direct = spec.proxy.kind == .none && app.allowPublic
        context["ip_allow"] = direct ? false : allow.uniqued().joined(separator: " ")
        let ports = app.ports
        var bindAllow: [String] = []
        if let first = ports.first, let last = ports.last {
            bindAllow.append(first == last ? "tcp:\(first)" : "tcp:\(first)-\(last)")
        }
        // `serve` binds its metrics listener itself (the socket unit holds only the app's).
        if let metricsPort = app.metricsPort { bindAllow.append("tcp:\(metricsPort)") }
        if !bindAllow.isEmpty { context["socket_bind_allow"] = bindAllow }
        return context
    }
}
