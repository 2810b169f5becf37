#if Hummingbird
public import GreenroomCore
public import HummingbirdCore

extension BindTarget {
    /// The listener a Hummingbird `BindAddress` names: `.hostname(host, port:)` is
    /// `BindTarget.tcp(host:port:)`, `.unixDomainSocket(path:)` is
    /// `BindTarget.unix(path:)`; `nil` for anything else (a Network.framework
    /// endpoint).
    ///
    /// `BindAddress` keeps its case private, so it is read by reflection; a test pins the layout
    /// of the Hummingbird version this package depends on.
    public init?(_ address: BindAddress) {
        guard let value = Mirror(reflecting: address).children.first?.value,
            let choice = Mirror(reflecting: value).children.first
        else { return nil }
        let payload = Mirror(reflecting: choice.value).children.map(\.value)
        switch choice.label {
        case "hostname":
            guard payload.count == 2, let host = payload[0] as? String, let port = payload[1] as? Int else {
                return nil
            }
            self = .tcp(host: host, port: port)
        case "unixDomainSocket":
            guard let path = (choice.value as? String) ?? payload.first as? String else { return nil }
            self = .unix(path: path)
        default:
            return nil
        }
    }
}
#endif
