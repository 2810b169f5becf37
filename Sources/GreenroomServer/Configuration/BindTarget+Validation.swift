import GreenroomCore

extension BindTarget {
    /// Checks that the host is an IP literal and the port is in range.
    public func validate() throws(ConfigurationError) {
        switch self {
        case .unix(let path):
            if path.isEmpty { throw ConfigurationError("--unix needs a socket path") }
            if path.utf8.count > 107 {
                throw ConfigurationError(
                    "--unix path '\(path)' is longer than the 107 bytes a unix socket path may have"
                )
            }
        case .tcp(_, let port):
            if !(0...65535).contains(port) { throw ConfigurationError("--port \(port) is not in 0...65535") }
            try requireIPAddress(naming: "--host")
        }
    }

    /// Throws when a TCP host is not an IP address (a DNS name, or `0`, which a resolver reads as
    /// 0.0.0.0): the start-up policy judges addresses, so a name is refused before anything binds
    /// it. `label` says where the host came from (`--host`, "Vapor's server hostname").
    package func requireIPAddress(naming label: String) throws(ConfigurationError) {
        guard case .tcp(let host, _) = self, address == nil else { return }
        throw ConfigurationError(
            "\(label) '\(host)' is not an IP address; use 127.0.0.1, ::1 or a specific address of this host"
        )
    }
}
