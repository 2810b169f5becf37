import GreenroomCore

extension AppSpec {
    /// The `greenroom serve` flags that say the same as this section (the CLI contract):
    /// `--host/--port` or `--unix`, one `--trust` per entry, `--proxy-protocol`, `--hops`,
    /// `--max-connections`, `--allow-public`.
    ///
    /// `serve --config` reads the spec itself; these are for showing the equivalent command,
    /// for tests, and for a server that merges flags over the spec (flags win).
    /// With ``hosts`` (no host of its own) `--host` is left out: each host's unit passes its own.
    public var serveArguments: [String] {
        var arguments: [String] = []
        switch listen {
        case .tcp(let host, let port):
            if let host { arguments += ["--host", host.description] }
            arguments += ["--port", "\(port)"]
        case .unix(let path):
            arguments += ["--unix", path]
        }
        for entry in trust.entries { arguments += ["--trust", entry.description] }
        arguments += ["--proxy-protocol", proxyProtocol.serveMode]
        if let hops { arguments += ["--hops", "\(hops)"] }
        arguments += ["--max-connections", "\(limits.maxConnections)"]
        if allowPublic { arguments.append("--allow-public") }
        return arguments
    }
}
