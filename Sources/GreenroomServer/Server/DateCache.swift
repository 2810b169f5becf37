import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `Date: <IMF-fixdate>\r\n` header line, formatted at most once per second per thread.
///
/// Each event-loop thread keeps its own copy, so reading it takes no lock: one `time()` call
/// and a compare per response.
final class DateCache: @unchecked Sendable {
    private static let perThread = ThreadSpecificVariable<DateCache>()

    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n`: 37 bytes.
    private(set) var line: [UInt8] = Array(repeating: 0, count: 37)
    private var second: Int = -1

    /// This thread's cache, refreshed for the current second.
    static var current: DateCache {
        let cache: DateCache
        if let existing = perThread.currentValue {
            cache = existing
        } else {
            cache = DateCache()
            perThread.currentValue = cache
        }
        cache.refresh()
        return cache
    }

    private func refresh() {
        let now = time(nil)
        guard now != second else { return }
        second = now
        var parts = tm()
        var seconds = now
        gmtime_r(&seconds, &parts)
        line = Self.format(parts)
    }

    static func format(_ parts: tm) -> [UInt8] {
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var out: [UInt8] = []
        out.reserveCapacity(37)
        func two(_ value: Int32) {
            out.append(UInt8(ascii: "0") + UInt8(value / 10 % 10))
            out.append(UInt8(ascii: "0") + UInt8(value % 10))
        }
        out.append(contentsOf: "Date: ".utf8)
        out.append(contentsOf: days[Int(parts.tm_wday) % 7].utf8)
        out.append(contentsOf: ", ".utf8)
        two(parts.tm_mday)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: months[Int(parts.tm_mon) % 12].utf8)
        out.append(UInt8(ascii: " "))
        let year = parts.tm_year + 1900
        two(year / 100)
        two(year % 100)
        out.append(UInt8(ascii: " "))
        two(parts.tm_hour)
        out.append(UInt8(ascii: ":"))
        two(parts.tm_min)
        out.append(UInt8(ascii: ":"))
        two(parts.tm_sec)
        out.append(contentsOf: " GMT\r\n".utf8)
        return out
    }
}
