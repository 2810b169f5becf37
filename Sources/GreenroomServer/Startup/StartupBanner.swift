/// The start-up lines `greenroom serve` prints, eventlet style.
public enum StartupBanner {
    /// `greenroom starting up on http://127.0.0.1:8000` for the bound address, one line per
    /// navigable address for a wildcard bind (never `0.0.0.0`), `http+unix:///path` for a socket.
    public static func lines(
        for bound: BindTarget,
        interfaces: [NetworkInterfaces.Address] = NetworkInterfaces.addresses()
    ) -> [String] {
        guard case .tcp(_, let port) = bound, bound.isWildcard else {
            return ["greenroom starting up on \(bound.url)"]
        }
        return NetworkInterfaces.navigableAddresses(for: bound, interfaces: interfaces).map {
            "greenroom starting up on \(BindTarget.url($0, port: port))"
        }
    }
}
