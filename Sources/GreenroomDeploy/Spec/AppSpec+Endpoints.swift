import GreenroomCore

extension AppSpec {
    /// The default config path in the default ``exec`` command.
    public static let defaultConfigPath = "/etc/greenroom/greenroom.yml"

    /// ``workingDirectory`` or its default, `/var/lib/<name>`.
    public var effectiveWorkingDirectory: String { workingDirectory ?? "/var/lib/\(name)" }

    /// ``exec`` or its default, `/usr/local/bin/greenroom serve --config /etc/greenroom/greenroom.yml`.
    public var effectiveExec: [String] {
        exec ?? ["/usr/local/bin/greenroom", "serve", "--config", AppSpec.defaultConfigPath]
    }

    /// `true` when ``exec`` is Greenroom's own server (so the generated unit may add `serve` flags).
    public var runsGreenroomServe: Bool {
        let command = effectiveExec
        return command.count >= 2 && (command[0] == "greenroom" || command[0].hasSuffix("/greenroom"))
            && command[1] == "serve"
    }

    /// The port of a TCP ``listen``, or `nil` for a unix socket.
    public var port: UInt16? {
        if case .tcp(_, let port) = listen { return port }
        return nil
    }

    /// The socket path of a unix ``listen``, or `nil` for TCP.
    public var unixPath: String? {
        if case .unix(let path) = listen { return path }
        return nil
    }

    /// The ports of all instances: `port`, `port + 1`, ... (empty for a unix socket).
    public var ports: [UInt16] {
        guard let port else { return [] }
        return (0..<instances).map { port + UInt16($0) }
    }

    /// The socket path of instance `instance` (1-based) of a unix ``listen``: the path itself with
    /// one instance, else `-<instance>` before the extension (`app.sock` → `app-2.sock`).
    public func unixPath(instance: String) -> String? {
        guard let path = unixPath else { return nil }
        guard instances > 1 else { return path }
        let slash = path.lastIndex(of: "/") ?? path.startIndex
        if let dot = path[slash...].lastIndex(of: "."), dot > path.index(after: slash) {
            return "\(path[..<dot])-\(instance)\(path[dot...])"
        }
        return "\(path)-\(instance)"
    }

    /// Every address an app instance listens on, in upstream order: for each host (or this host),
    /// each instance.
    public var endpoints: [Endpoint] {
        switch listen {
        case .unix:
            return (1...instances).map { .unix(path: unixPath(instance: String($0))!) }
        case .tcp(let host, _):
            let hostAddresses = hosts?.addresses ?? [host ?? .loopbackV4]
            return hostAddresses.flatMap { address in ports.map { Endpoint.tcp(address, port: $0) } }
        }
    }

    /// The endpoints a given app host listens on (for the remote-proxy topology), or all of this
    /// host's endpoints when `host` is `nil`.
    public func endpoints(onHost host: IPAddress?) -> [Endpoint] {
        guard let host, hosts != nil else { return endpoints }
        return ports.map { .tcp(host, port: $0) }
    }
}
