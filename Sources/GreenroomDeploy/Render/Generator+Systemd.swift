import GreenroomCore

extension Generator {
    /// One unit, or with `app.hosts` one unit per app host (in a directory named after its address).
    func systemdFiles() throws -> [GeneratedFile] {
        let app = spec.app
        let unit = spec.systemd.unitName(app: app)
        let file = app.instances > 1 ? "\(unit)@.service" : "\(unit).service"
        guard let hosts = app.hosts else {
            return [
                try render(.systemd, "systemd-service", systemdContext(host: nil), path: file, summary: "systemd unit")
            ]
        }
        return try hosts.addresses.map { address in
            try render(
                .systemd,
                "systemd-service",
                systemdContext(host: address),
                path: "\(address)/\(file)",
                summary: "systemd unit for app host \(address)"
            )
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
        if templated {
            environment.append(Generator.systemdEnvironment("GREENROOM_INSTANCE", "%i").replacing("%%i", with: "%i"))
        }
        if let host { environment.append(Generator.systemdEnvironment("GREENROOM_HOST", host.description)) }
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
        context["hardening"] = systemd.hardening

        var allow = ["localhost"]
        allow += (app.hosts?.balancers ?? []).map(\.configText)
        allow += app.outbound.map(\.configText)
        let direct = spec.proxy.kind == .none && app.allowPublic
        context["ip_allow"] = direct ? false : allow.uniqued().joined(separator: " ")
        let ports = app.ports
        if let first = ports.first, let last = ports.last {
            context["socket_bind_allow"] = first == last ? "tcp:\(first)" : "tcp:\(first)-\(last)"
        }
        return context
    }
}
