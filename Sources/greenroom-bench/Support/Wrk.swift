import Foundation

/// Runs wrk and reads its summary.
/// One wrk thread by default: on this project's 2-core machines `-t2` puts wrk on the second core
/// too and caps every server alike, which flatters slow ones.
struct Wrk {
    var threads = 1
    var connections = 64
    var seconds = 10

    struct Result {
        var requestsPerSecond: Double
        var p99Milliseconds: Double
        var p50Milliseconds: Double = 0
        var errors: Int
        var requests: Int
    }

    func run(url: String, headers: [String] = []) throws -> Result {
        var arguments = ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency"]
        for header in headers { arguments += ["-H", header] }
        arguments.append(url)
        let (status, output) = try ChildProcess.run("/usr/bin/wrk", arguments)
        guard status == 0 else { throw BenchError("wrk failed (\(status)): \(output)") }
        return try Self.parse(output)
    }

    static func parse(_ output: String) throws -> Result {
        var rps: Double?
        var p99: Double?
        var p50: Double?
        var errors = 0
        var requests = 0
        for line in output.split(separator: "\n") {
            if line.contains(" requests in "), let first = line.split(separator: " ").first {
                requests = Int(first) ?? 0
            }
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Requests/sec:"), fields.count >= 2 { rps = Double(fields[1]) }
            if fields.first == "99%", fields.count >= 2 { p99 = milliseconds(String(fields[1])) }
            if fields.first == "50%", fields.count >= 2 { p50 = milliseconds(String(fields[1])) }
            if line.contains("Non-2xx or 3xx responses:"), let last = fields.last { errors += Int(last) ?? 0 }
            if line.contains("Socket errors:") {
                // Socket errors: connect 0, read 0, write 0, timeout 0
                errors += fields.compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) }.reduce(0, +)
            }
        }
        guard let rps, let p99 else { throw BenchError("cannot read wrk output:\n\(output)") }
        return Result(
            requestsPerSecond: rps,
            p99Milliseconds: p99,
            p50Milliseconds: p50 ?? 0,
            errors: errors,
            requests: requests
        )
    }

    /// `1.23ms`, `850.00us`, `2.01s` in milliseconds.
    static func milliseconds(_ text: String) -> Double? {
        for (suffix, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
