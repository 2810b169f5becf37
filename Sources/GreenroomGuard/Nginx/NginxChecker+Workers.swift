import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR103, GR105: worker limits and which server answers unknown hosts.
    func workerFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var findings: [Finding] = []
        let main = analysis.config.directives
        if let limit = main.last(where: { $0.name == "worker_rlimit_nofile" && $0.block == nil }),
            let files = Int(limit.firstValue),
            let connections = main.first(where: { $0.name == "events" })?.block?.last(where: {
                $0.name == "worker_connections"
            }), let count = Int(connections.firstValue), files < 2 * count
        {
            findings.append(
                Rule.nginxWorkerFileLimit.finding(
                    at: limit.location,
                    "worker_rlimit_nofile \(files) is below twice worker_connections \(count): a proxied "
                        + "connection uses two descriptors",
                    fix: "worker_rlimit_nofile \(2 * count);",
                    related: [connections.location]
                )
            )
        }
        var byAddress: [String: [NginxDirective]] = [:]
        var order: [String] = []
        for server in analysis.servers where server.scope.innermost.kind == .server {
            for listen in server.scope.innermost.simple["listen"] ?? [] {
                let key = Self.listenKey(listen.firstValue)
                if byAddress[key] == nil { order.append(key) }
                byAddress[key, default: []].append(listen)
            }
        }
        for key in order {
            guard let listens = byAddress[key], listens.count >= 2,
                !listens.contains(where: { $0.values.contains("default_server") || $0.values.contains("default") })
            else { continue }
            findings.append(
                Rule.nginxNoDefaultServer.finding(
                    at: listens[0].location,
                    "\(listens.count) servers listen on \(key) and none is default_server: the first one read "
                        + "answers every unknown Host",
                    fix: "listen \(listens[0].firstValue) default_server; on the server meant for unknown hosts",
                    related: listens.dropFirst().map(\.location)
                )
            )
        }
        return findings
    }

    /// `80` → `*:80`, `127.0.0.1` → `127.0.0.1:80`, `[::]:443` as written.
    static func listenKey(_ value: String) -> String {
        if value.hasPrefix("unix:") { return value }
        if value.allSatisfy(\.isNumber) { return "*:\(value)" }
        if value.hasPrefix("[") { return value.contains("]:") ? value : "\(value):80" }
        return value.contains(":") ? value : "\(value):80"
    }
}
