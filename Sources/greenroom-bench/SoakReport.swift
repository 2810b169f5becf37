import Foundation

extension SoakBench {
    /// The soak's samples summarised: RSS along the run, the growth fitted after warm-up, and
    /// whether descriptors came back.
    struct Report {
        let options: Options
        let idle: Sample
        let samples: [Sample]
        let settledDescriptors: Int?

        var afterWarmup: [Sample] { samples.filter { $0.second >= Double(options.warmupSeconds) } }

        /// Least-squares slope of RSS over time after warm-up, in KiB per minute.
        var growthPerMinute: Double? {
            let points = afterWarmup
            guard points.count >= 3 else { return nil }
            let count = Double(points.count)
            let meanX = points.map(\.second).reduce(0, +) / count
            let meanY = points.map { Double($0.residentKiB) }.reduce(0, +) / count
            var covariance = 0.0
            var variance = 0.0
            for point in points {
                covariance += (point.second - meanX) * (Double(point.residentKiB) - meanY)
                variance += (point.second - meanX) * (point.second - meanX)
            }
            return variance > 0 ? covariance / variance * 60 : nil
        }

        /// Minutes the fit spans.
        var fittedMinutes: Double {
            guard let first = afterWarmup.first, let last = afterWarmup.last else { return 0 }
            return (last.second - first.second) / 60
        }

        var failures: [String] {
            var failures: [String] = []
            // Allocator pools settle in steps; a step is not a leak, a slope that adds up is.
            if let growth = growthPerMinute, growth > options.maxGrowth,
                growth * fittedMinutes > Double(options.minRise)
            {
                failures.append(
                    String(
                        format: "RSS grows %.0f KiB/min after warm-up (limit %.0f KiB/min), %.1f MiB over %.1f min",
                        growth,
                        options.maxGrowth,
                        growth * fittedMinutes / 1024,
                        fittedMinutes
                    )
                )
            }
            if growthPerMinute == nil { failures.append("too few samples after warm-up to fit a line") }
            if let idle = idle.descriptors, let settled = settledDescriptors, settled > idle {
                failures.append("\(settled - idle) descriptors still open after the load stopped (idle: \(idle))")
            }
            return failures
        }

        func printSummary() {
            func mib(_ kib: Int) -> String { String(format: "%.1f", Double(kib) / 1024) }
            let rss = samples.map(\.residentKiB)
            let steady = afterWarmup.map(\.residentKiB)
            print("\nRSS (MiB), one sample a second, \(samples.count) samples:")
            print("  idle before load \(mib(idle.residentKiB))")
            if let first = steady.first, let last = steady.last, let low = steady.min(), let high = steady.max() {
                print("  after warm-up: first \(mib(first)), min \(mib(low)), max \(mib(high)), last \(mib(last))")
            }
            if let low = rss.min(), let high = rss.max() { print("  whole run: min \(mib(low)), max \(mib(high))") }
            let step = max(1, samples.count / 10)
            let timeline = stride(from: step - 1, to: samples.count, by: step).map {
                "\(Int(samples[$0].second.rounded()))s:\(mib(samples[$0].residentKiB))"
            }
            print("  timeline: \(timeline.joined(separator: " "))")
            if let growth = growthPerMinute {
                print(
                    String(
                        format: "  fitted growth after warm-up: %.1f KiB/min (%.2f MiB/hour)",
                        growth,
                        growth * 60 / 1024
                    )
                )
            }
            let counts = samples.compactMap(\.descriptors)
            if let idleCount = idle.descriptors, let high = counts.max() {
                print(
                    "descriptors: idle \(idleCount), max under load \(high), after the load \(settledDescriptors.map(String.init) ?? "?")"
                )
            }
            print("load:")
        }
    }
}
