import Foundation

/// `greenroom-bench check`: `greenroom check --nginx` (and `--apache`, `--haproxy`) on generated
/// 2.5, 5 and 10 MB configurations, each timed end to end (read, parse, rules, JSON out). Fails
/// when the 10 MB nginx run takes longer than the budget or any kind's time grows clearly faster
/// than the size (not linear: a rule that is quadratic in the number of sections).
enum CheckBench {
    static let help = """
        usage: greenroom-bench check [options]

        Times `greenroom check --nginx FILE --json` on nginx configurations of 2.5, 5 and 10 MB
        (many server blocks, each with a proxy_pass and a Host header from $http_host, so every
        block has a finding), then the same for Apache httpd (virtual hosts) and HAProxy
        (frontend and backend pairs). Build in release first: swift build -c release.

          --greenroom PATH   the greenroom binary (default: next to this one)
          --budget SECONDS   the most the 10 MB nginx run may take (default 2)
          --rounds N         runs per size; the fastest counts (default 3)
          --kinds LIST       which configurations, comma-separated (default nginx,apache,haproxy)
        """

    static func run(_ arguments: [String]) async throws -> Int32 {
        if BenchArguments.answeredHelp(arguments, help) { return 0 }
        var greenroom = BenchArguments.defaultGreenroom
        var budget = 2.0
        var rounds = 3
        var kinds = Kind.allCases
        var flags = BenchArguments(arguments)
        while let flag = flags.next() {
            switch flag {
            case "--greenroom": greenroom = try flags.value(flag)
            case "--budget":
                let text = try flags.value(flag)
                guard let value = Double(text), value > 0 else { throw BenchError("--budget '\(text)' is not seconds") }
                budget = value
            case "--rounds": rounds = try flags.number(flag)
            case "--kinds":
                let text = try flags.value(flag)
                kinds = try text.split(separator: ",").map { name in
                    guard let kind = Kind(rawValue: String(name)) else {
                        throw BenchError("--kinds '\(text)': \(name) is not nginx, apache or haproxy")
                    }
                    return kind
                }
            default: throw BenchError("unknown flag \(flag)\n\n\(help)")
            }
        }
        try BenchArguments.requireGreenroom(greenroom)
        let directory = try BenchArguments.scratchDirectory("check")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var failed = false
        for kind in kinds {
            var results: [(megabytes: Double, seconds: Double)] = []
            for megabytes in [2.5, 5, 10] {
                let path = "\(directory)/\(kind)-\(megabytes)MB.conf"
                try kind.configuration(bytes: Int(megabytes * 1_048_576))
                    .write(toFile: path, atomically: true, encoding: .utf8)
                var best = Double.infinity
                for _ in 0..<rounds {
                    let started = Date()
                    let (status, output) = try ChildProcess.run(greenroom, ["check", "--\(kind)", path, "--json"])
                    let seconds = Date().timeIntervalSince(started)
                    guard status == 0 || status == 1 else {
                        throw BenchError("greenroom check --\(kind) exited \(status): \(output.prefix(300))")
                    }
                    best = min(best, seconds)
                }
                results.append((megabytes, best))
                print(
                    String(
                        format: "check %-8@ %5.1f MB  %6.3f s  %6.1f MB/s",
                        "--\(kind)",
                        megabytes,
                        best,
                        megabytes / best
                    )
                )
            }
            let perMegabyte = results.map { $0.seconds / $0.megabytes }
            let growth = perMegabyte.last! / perMegabyte.first!
            print(String(format: "%@: time per MB at 10 MB / at 2.5 MB: %.2f (1.00 is linear)", "\(kind)", growth))
            if kind == .nginx, results.last!.seconds > budget {
                print(String(format: "FAIL: 10 MB took %.3f s, over the %.1f s budget", results.last!.seconds, budget))
                failed = true
            }
            if growth > 1.5 {
                print("FAIL: \(kind): time grows faster than the size (per-MB time ×\(String(format: "%.2f", growth)))")
                failed = true
            }
        }
        return failed ? 1 : 0
    }

    /// The configurations timed.
    enum Kind: String, CaseIterable, CustomStringConvertible {
        case nginx, apache, haproxy

        var description: String { rawValue }

        /// A configuration of about `bytes` bytes with a finding in every section.
        func configuration(bytes: Int) -> String {
            switch self {
            case .nginx: CheckBench.configuration(bytes: bytes)
            case .apache: CheckBench.apacheConfiguration(bytes: bytes)
            case .haproxy: CheckBench.haproxyConfiguration(bytes: bytes)
            }
        }
    }

    /// `head`, then `unit(0)`, `unit(1)`... while the text is shorter than `bytes`.
    static func repeating(_ unit: (Int) -> String, head: String, toAbout bytes: Int) -> String {
        var text = head
        text.reserveCapacity(bytes + 256)
        var index = 0
        while text.utf8.count < bytes {
            text += unit(index)
            index += 1
        }
        return text
    }

    /// An nginx configuration of about `bytes` bytes: one `server` block per line.
    static func configuration(bytes: Int) -> String {
        let servers = repeating(
            { index in
                "    server { listen 127.0.0.1:\(10_000 + index % 50_000); server_name s\(index).example; "
                    + "location / { proxy_pass http://127.0.0.1:8000; proxy_set_header Host $http_host; } }\n"
            },
            head: "events {}\nhttp {\n",
            toAbout: bytes
        )
        return servers + "}\n"
    }

    /// An Apache httpd configuration of about `bytes` bytes: one virtual host per five lines, each
    /// proxying to the app and setting X-Forwarded-Proto (a header the client's copy of passes).
    static func apacheConfiguration(bytes: Int) -> String {
        repeating(
            { index in
                "<VirtualHost 127.0.0.1:\(10_000 + index % 50_000)>\n    ServerName s\(index).example\n"
                    + "    ProxyPass / http://127.0.0.1:8000/\n    RequestHeader set X-Forwarded-Proto https\n</VirtualHost>\n"
            },
            head: "Listen 127.0.0.1:8080\n",
            toAbout: bytes
        )
    }

    /// An HAProxy configuration of about `bytes` bytes: per seven lines a frontend and its
    /// backend, each frontend with `option forwardfor` that keeps the client's own header; and one
    /// frontend routing to every backend by path (a rule asked once per route must not read the
    /// whole frontend each time).
    static func haproxyConfiguration(bytes: Int) -> String {
        var pairs = ""
        var routes = "frontend all\n    bind 127.0.0.1:8080\n    option forwardfor\n"
        let head = "defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n"
        pairs.reserveCapacity(bytes + 256)
        var index = 0
        while head.utf8.count + routes.utf8.count + pairs.utf8.count < bytes {
            pairs +=
                "frontend f\(index)\n    bind 127.0.0.1:\(10_000 + index % 50_000)\n    option forwardfor\n"
                + "    default_backend b\(index)\nbackend b\(index)\n    server app 127.0.0.1:8000\n"
            routes += "    use_backend b\(index) if { path_beg /p\(index)/ }\n"
            index += 1
        }
        return head + routes + pairs
    }
}
