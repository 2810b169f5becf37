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
        arguments += ["--forwarded-headers", forwardedHeaders.rawValue]
        if let authoritativeHeaders { arguments += ["--authoritative-headers", authoritativeHeaders.rawValue] }
        arguments += ["--max-connections", "\(limits.maxConnections)"]
        arguments += ["--max-header-bytes", "\(limits.maxHeaderBytes)", "--max-body-bytes", "\(limits.maxBodyBytes)"]
        arguments += ["--header-timeout", AppSpec.seconds(limits.headerTimeout)]
        arguments += ["--body-timeout", AppSpec.seconds(limits.bodyTimeout)]
        arguments += ["--idle-timeout", AppSpec.seconds(limits.idleTimeout)]
        arguments += ["--proxy-protocol-timeout", AppSpec.seconds(limits.proxyProtocolTimeout)]
        arguments += ["--shutdown-timeout", AppSpec.seconds(limits.shutdownTimeout)]
        if let metricsPort { arguments += ["--metrics-port", "\(metricsPort)"] }
        if allowPublic { arguments.append("--allow-public") }
        arguments += optIns.sorted().map(\.flag)
        return arguments
    }

    /// Seconds as `serve` takes them: `10`, `0.5`.
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = SpecValues.milliseconds(duration)
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)" }
        var fraction = String(milliseconds % 1000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(milliseconds / 1000).\(fraction)"
    }
}
