import Foundation

/// `greenroom-bench check`: `greenroom check --nginx` on generated 2.5, 5 and 10 MB configurations,
/// each timed end to end (read, parse, rules, JSON out). Fails when the largest takes longer than
/// the budget or the time grows clearly faster than the size (not linear).
enum CheckBench {
    static let help = """
        usage: greenroom-bench check [options]

        Times `greenroom check --nginx FILE --json` on nginx configurations of 2.5, 5 and 10 MB
        (many server blocks, each with a proxy_pass and a Host header from $http_host, so every
        block has a finding). Build in release first: swift build -c release.

          --greenroom PATH   the greenroom binary (default: next to this one)
          --budget SECONDS   the most the 10 MB run may take (default 2)
          --rounds N         runs per size; the fastest counts (default 3)
        """

    static func run(_ arguments: [String]) async throws -> Int32 {
        if BenchArguments.answeredHelp(arguments, help) { return 0 }
        var greenroom = BenchArguments.defaultGreenroom
        var budget = 2.0
        var rounds = 3
        var flags = BenchArguments(arguments)
        while let flag = flags.next() {
            switch flag {
            case "--greenroom": greenroom = try flags.value(flag)
            case "--budget":
                let text = try flags.value(flag)
                guard let value = Double(text), value > 0 else { throw BenchError("--budget '\(text)' is not seconds") }
                budget = value
            case "--rounds": rounds = try flags.number(flag)
            default: throw BenchError("unknown flag \(flag)\n\n\(help)")
            }
        }
        try BenchArguments.requireGreenroom(greenroom)
        let directory = try BenchArguments.scratchDirectory("check")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var results: [(megabytes: Double, seconds: Double)] = []
        for megabytes in [2.5, 5, 10] {
            let path = "\(directory)/nginx-\(megabytes)MB.conf"
            try configuration(bytes: Int(megabytes * 1_048_576)).write(toFile: path, atomically: true, encoding: .utf8)
            var best = Double.infinity
            for _ in 0..<rounds {
                let started = Date()
                let (status, output) = try ChildProcess.run(greenroom, ["check", "--nginx", path, "--json"])
                let seconds = Date().timeIntervalSince(started)
                guard status == 0 || status == 1 else {
                    throw BenchError("greenroom check exited \(status): \(output.prefix(300))")
                }
                best = min(best, seconds)
            }
            results.append((megabytes, best))
            print(String(format: "check %5.1f MB  %6.3f s  %6.1f MB/s", megabytes, best, megabytes / best))
        }
        let perMegabyte = results.map { $0.seconds / $0.megabytes }
        let growth = perMegabyte.last! / perMegabyte.first!
        print(String(format: "time per MB at 10 MB / at 2.5 MB: %.2f (1.00 is linear)", growth))
        var failed = false
        if results.last!.seconds > budget {
            print(String(format: "FAIL: 10 MB took %.3f s, over the %.1f s budget", results.last!.seconds, budget))
            failed = true
        }
        if growth > 1.5 {
            print("FAIL: time grows faster than the size (per-MB time ×\(String(format: "%.2f", growth)))")
            failed = true
        }
        return failed ? 1 : 0
    }

    /// An nginx configuration of about `bytes` bytes: one `server` block per line.
    static func configuration(bytes: Int) -> String {
        var text = "events {}\nhttp {\n"
        text.reserveCapacity(bytes + 256)
        var index = 0
        while text.utf8.count < bytes {
            text +=
                "    server { listen 127.0.0.1:\(10_000 + index % 50_000); server_name s\(index).example; "
                + "location / { proxy_pass http://127.0.0.1:8000; proxy_set_header Host $http_host; } }\n"
            index += 1
        }
        return text + "}\n"
    }
}
