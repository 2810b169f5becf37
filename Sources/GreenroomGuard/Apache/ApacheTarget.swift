import GreenroomConfigParsing
import GreenroomCore

/// Parses mod_proxy target URLs: `http://127.0.0.1:8000/`, `ws://[::1]:8000/ws`,
/// `unix:/run/app.sock|http://localhost/` (https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass).
enum ApacheTarget {
    /// The default port of each scheme mod_proxy speaks.
    static let defaultPorts: [String: Int] = [
        "http": 80, "https": 443, "ws": 80, "wss": 443, "h2c": 80, "h2": 443, "ajp": 8009, "fcgi": 9000, "scgi": 4000,
        "uwsgi": 3031,
    ]

    /// The endpoint a URL connects to (none when it cannot be parsed).
    static func endpoints(of url: String, at location: SourceLocation) -> [ProxyEndpoint] {
        if url.lowercased().hasPrefix("unix:") {
            let path = url.dropFirst(5).prefix { $0 != "|" }
            return [ProxyEndpoint(.unix(path: String(path)), at: location)]
        }
        guard let separator = url.firstRange(of: "://") else { return [] }
        let scheme = url[..<separator.lowerBound].lowercased()
        let rest = url[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard let (host, port) = ProxyEndpoint.splitHostPort(String(authority), defaultPort: defaultPorts[scheme]),
            let port, !host.isEmpty
        else { return [] }
        return [ProxyEndpoint(.tcp(host: host, port: port), at: location)]
    }

    /// The path part of a URL (`/app/` for `http://b:8000/app/`; `""` when there is none).
    static func path(of url: String) -> String {
        var rest = Substring(url)
        if url.lowercased().hasPrefix("unix:"), let bar = rest.firstIndex(of: "|") {
            rest = rest[rest.index(after: bar)...]
        }
        guard let separator = rest.firstRange(of: "://") else { return "" }
        let afterScheme = rest[separator.upperBound...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return "" }
        return String(afterScheme[slash...])
    }
}
