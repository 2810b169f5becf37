import GreenroomCore
import GreenroomServer

extension ServeFlags {
    /// The name of the environment variable for a `serve` flag: `--body-timeout` →
    /// `GREENROOM_BODY_TIMEOUT` (upper-cased, dashes become underscores, `GREENROOM_` in front).
    public static func environmentName(flag: String) -> String {
        "GREENROOM_" + String(flag.drop { $0 == "-" }.map { $0 == "-" ? "_" : Character($0.uppercased()) })
    }

    /// The flags set by `GREENROOM_*` variables, each read like the flag it stands for.
    ///
    /// `GREENROOM_TRUST` takes a list separated by commas or spaces (`loopback, 10.0.0.2`),
    /// `GREENROOM_HOST` one separated by commas (`127.0.0.1,::1`, like `--host` repeated); the
    /// switches (`GREENROOM_ALLOW_PUBLIC`, the opt-ins) take `1`/`true`/`yes` or `0`/`false`/`no`.
    /// Variables not set, or set to the empty string, leave their flag unset.
    ///
    /// - Throws: `ConfigurationError` naming the variable whose value is wrong.
    public init(environment: [String: String]) throws(ConfigurationError) {
        self.init()
        func value(_ flag: String) -> (name: String, text: String)? {
            let name = Self.environmentName(flag: flag)
            guard let text = environment[name]?.trimmingSpaces, !text.isEmpty else { return nil }
            return (name, text)
        }
        func integer(_ flag: String) throws(ConfigurationError) -> Int? {
            guard let (name, text) = value(flag) else { return nil }
            guard let number = Int(text) else {
                var message = "\(name)='\(text)' is not a whole number"
                if name.hasSuffix("PORT"), text.hasPrefix("tcp://") || text.hasPrefix("udp://") {
                    // Kubernetes service links: a Service named greenroom sets GREENROOM_PORT.
                    let service = name.dropFirst("GREENROOM_".count).dropLast("_PORT".count)
                    message +=
                        ": it is the service link Kubernetes sets for a Service named greenroom"
                        + (service.isEmpty ? "" : "-" + service.lowercased().replacing("_", with: "-"))
                        + "; set enableServiceLinks: false in the pod (greenroom generate kubernetes does) or set "
                        + "\(name) in the container's env"
                }
                throw ConfigurationError(message)
            }
            return number
        }
        func seconds(_ flag: String) throws(ConfigurationError) -> Double? {
            guard let (name, text) = value(flag) else { return nil }
            guard let number = Double(text), number.isFinite else {
                throw ConfigurationError("\(name)='\(text)' is not a number of seconds")
            }
            return number
        }
        func choice<T: RawRepresentable & CaseIterable>(_ flag: String, _: T.Type) throws(ConfigurationError) -> T?
        where T.RawValue == String {
            guard let (name, text) = value(flag) else { return nil }
            guard let parsed = T(rawValue: text.lowercased()) else {
                let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError("\(name)='\(text)' is not one of \(allowed)")
            }
            return parsed
        }
        func switchOn(_ flag: String) throws(ConfigurationError) -> Bool {
            guard let (name, text) = value(flag) else { return false }
            switch text.lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw ConfigurationError("\(name)='\(text)' is not one of 1, true, yes, 0, false, no")
            }
        }
        if let (name, text) = value("host") {
            let hosts = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            if hosts.contains("") {
                throw ConfigurationError("\(name)='\(text)' has an empty address; separate addresses with one comma")
            }
            host = hosts[0]
            additionalHosts = Array(hosts.dropFirst())
        }
        port = try integer("port")
        unix = value("unix")?.text
        if let (_, text) = value("trust") {
            trust = text.split { $0 == "," || $0 == " " || $0 == "\t" }.map(String.init)
        }
        proxyProtocol = try choice("proxy-protocol", ProxyProtocolMode.self)
        hops = try integer("hops")
        allowPublic = try switchOn("allow-public")
        cluster = try switchOn("cluster")
        for optIn in StartupOptIn.allCases where try switchOn(optIn.rawValue) { optIns.insert(optIn) }
        forwardedHeaders = try choice("forwarded-headers", ForwardedResolver.HeaderPolicy.self)
        authoritativeHeaders = try choice("authoritative-headers", ForwardedResolver.HeaderFamily.self)
        maxConnections = try integer("max-connections")
        maxHeaderBytes = try integer("max-header-bytes")
        maxBodyBytes = try integer("max-body-bytes")
        headerTimeout = try seconds("header-timeout")
        bodyTimeout = try seconds("body-timeout")
        idleTimeout = try seconds("idle-timeout")
        shutdownTimeout = try seconds("shutdown-timeout")
        proxyProtocolTimeout = try seconds("proxy-protocol-timeout")
        metricsPort = try integer("metrics-port")
    }

    /// These flags over `environment`: each flag given wins, each one not given takes the
    /// environment's value. Switches and opt-ins add up; a `--trust` list replaces the variable's.
    public func over(environment: ServeFlags) -> ServeFlags {
        var merged = self
        merged.host = host ?? environment.host
        // `--host` given replaces the variable's whole list.
        merged.additionalHosts = host == nil ? environment.additionalHosts : additionalHosts
        merged.port = port ?? environment.port
        merged.unix = unix ?? environment.unix
        if trust.isEmpty { merged.trust = environment.trust }
        merged.proxyProtocol = proxyProtocol ?? environment.proxyProtocol
        merged.hops = hops ?? environment.hops
        merged.allowPublic = allowPublic || environment.allowPublic
        merged.cluster = cluster || environment.cluster
        merged.optIns = optIns.union(environment.optIns)
        merged.forwardedHeaders = forwardedHeaders ?? environment.forwardedHeaders
        merged.authoritativeHeaders = authoritativeHeaders ?? environment.authoritativeHeaders
        merged.maxConnections = maxConnections ?? environment.maxConnections
        merged.maxHeaderBytes = maxHeaderBytes ?? environment.maxHeaderBytes
        merged.maxBodyBytes = maxBodyBytes ?? environment.maxBodyBytes
        merged.headerTimeout = headerTimeout ?? environment.headerTimeout
        merged.bodyTimeout = bodyTimeout ?? environment.bodyTimeout
        merged.idleTimeout = idleTimeout ?? environment.idleTimeout
        merged.shutdownTimeout = shutdownTimeout ?? environment.shutdownTimeout
        merged.proxyProtocolTimeout = proxyProtocolTimeout ?? environment.proxyProtocolTimeout
        merged.metricsPort = metricsPort ?? environment.metricsPort
        return merged
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
