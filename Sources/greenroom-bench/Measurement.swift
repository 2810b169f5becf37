import CAllocationCounter

#if canImport(Glibc)
import Glibc
#endif

/// ns/op and heap allocations/op of one benchmarked operation.
struct Measurement {
    var nanosecondsPerOperation: Double
    var allocationsPerOperation: Double
}

/// Keeps a value alive so the optimiser cannot delete the work that produced it.
@inline(never)
func blackHole<T>(_ value: consuming T) {
    withExtendedLifetime(value) {}
}

enum Measure {
    /// Monotonic nanoseconds.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Runs `body` `iterations` times per round for `rounds` rounds (after one warm-up round)
    /// and reports the fastest round's ns/op (the least disturbed by the other tenants of the
    /// machine) and the allocations per operation counted in a separate round.
    static func run(iterations: Int, rounds: Int = 7, _ body: () -> Void) -> Measurement {
        for _ in 0..<iterations { body() }
        var best = Double.infinity
        for _ in 0..<rounds {
            let start = now()
            for _ in 0..<iterations { body() }
            let elapsed = Double(now() - start) / Double(iterations)
            best = min(best, elapsed)
        }
        let countIterations = max(1, iterations / 10)
        greenroom_allocations_start()
        for _ in 0..<countIterations { body() }
        let allocations = greenroom_allocations_stop()
        return Measurement(
            nanosecondsPerOperation: best,
            allocationsPerOperation: Double(allocations) / Double(countIterations)
        )
    }

    /// `true` when allocation counts are real (glibc builds).
    static var countsAllocations: Bool { greenroom_allocations_supported() == 1 }
}

/// Formats a number with a fixed number of decimals, without Foundation.
func fixed(_ value: Double, _ decimals: Int = 1) -> String {
    guard value.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if let dot = text.firstIndex(of: ".") {
        let have = text.distance(from: dot, to: text.endIndex) - 1
        if have < decimals { text += String(repeating: "0", count: decimals - have) }
        if decimals == 0 { text = String(text[..<dot]) }
    }
    return text
}

/// Pads `text` to `width` columns (left-aligned, or right-aligned for numbers).
func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return right ? padding + text : text + padding
}
