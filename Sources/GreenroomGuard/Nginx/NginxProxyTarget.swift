import GreenroomConfigParsing
import GreenroomCore

/// The destination of one nginx `proxy_pass`, parsed and resolved through `upstream` blocks.
///
/// HTTP forms (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass):
/// `http://127.0.0.1:8000/uri`, `http://[::1]:8000`, `http://unix:/run/app.sock:/uri`,
/// `http://name` (an upstream when one has that name), `http://$var...`. Stream forms:
/// `127.0.0.1:8000`, `unix:/run/app.sock`, `name`.
struct NginxProxyTarget: Sendable {
    /// The argument as written.
    var raw: String
    /// `http` or `https` (empty for stream).
    var scheme: String
    /// The host part as written (upstream name, address, `unix:/path` or a variable expression).
    var host: String
    /// The upstream the target names, if any.
    var upstream: String?
    /// The backends it reaches: the upstream's servers, or the one address written.
    var endpoints: [ProxyEndpoint]
    /// `true` when the host part contains variables: the destination is decided per request.
    var hostHasVariables: Bool

    init(_ directive: NginxDirective, upstreams: [String: NginxAnalysis.Upstream], stream: Bool) {
        raw = directive.firstValue
        var rest = Substring(raw)
        scheme = ""
        if !stream, let separator = rest.firstASCIIRange(of: "://") {
            scheme = rest[..<separator.lowerBound].lowercased()
            rest = rest[separator.upperBound...]
        }
        let location = directive.arguments.first?.location ?? directive.location
        var hostPart: Substring
        if Self.startsWithUnix(rest) {
            // The socket path runs to the next ':' (the URI follows it).
            let path = rest[rest.utf8.index(rest.startIndex, offsetBy: 5)...]
            hostPart = path.firstASCIIIndex(of: ":").map { rest[..<$0] } ?? rest
        } else {
            hostPart = rest.firstASCIIIndex(of: "/").map { rest[..<$0] } ?? rest
            // A variable that always starts with '/' begins the path, not the host
            // (`http://127.0.0.1:8000$request_uri`).
            let pathVariables: [StaticString] = [
                "$request_uri", "$uri", "$document_uri", "${request_uri}", "${uri}", "${document_uri}",
            ]
            for variable in pathVariables where hostPart.utf8.contains(UInt8(ascii: "$")) {
                if let range = hostPart.firstASCIIRange(of: variable), range.lowerBound > hostPart.startIndex {
                    hostPart = hostPart[..<range.lowerBound]
                }
            }
        }
        if hostPart.isEmpty { hostPart = rest }
        host = String(hostPart)
        hostHasVariables = host.utf8.contains(UInt8(ascii: "$"))
        upstream = nil
        endpoints = []
        guard !hostHasVariables else { return }
        if let path = Self.unixSocketPath(host) {
            endpoints = [ProxyEndpoint(.unix(path: path), at: location)]
            return
        }
        if let upstream = upstreams[host] {
            self.upstream = host
            endpoints = upstream.servers
            return
        }
        let defaultPort: Int? = stream ? nil : (scheme == "https" ? 443 : 80)
        if let (name, port) = ProxyEndpoint.splitHostPort(host, defaultPort: defaultPort), let port {
            endpoints = [ProxyEndpoint(.tcp(host: name, port: port), at: location)]
        }
    }

    /// The endpoint of an upstream `server` line (`server 127.0.0.1:8000 max_fails=3;`).
    static func endpoint(fromUpstreamServer directive: NginxDirective, stream: Bool) -> ProxyEndpoint? {
        let address = directive.firstValue
        let location = directive.arguments.first?.location ?? directive.location
        if let path = unixSocketPath(address) { return ProxyEndpoint(.unix(path: path), at: location) }
        guard let (host, port) = ProxyEndpoint.splitHostPort(address, defaultPort: stream ? nil : 80), let port else {
            return nil
        }
        return ProxyEndpoint(.tcp(host: host, port: port), at: location)
    }

    /// The path after `unix:`, tested on bytes as nginx does (a `Character` test misses the
    /// prefix when the path starts with a combining mark).
    static func unixSocketPath(_ address: String) -> String? {
        guard startsWithUnix(Substring(address)) else { return nil }
        return String(address[address.utf8.index(address.startIndex, offsetBy: 5)...])
    }

    /// `true` when `text` starts with `unix:` in any case, as nginx's `ngx_parse_url` reads it
    /// (`UNIX:/run/app.sock` is a socket there too).
    static func startsWithUnix(_ text: Substring) -> Bool {
        text.utf8.starts(with: "unix:".utf8) { $0.equalsIgnoringASCIICase($1) }
    }
}
