#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The RFC 3339 timestamp, in UTC with milliseconds, that starts each log line
/// (`2026-12-05T02:50:01.123Z`), unless journald already stamps the lines.
enum LogTimestamp {
    /// `false` when standard error is journald's stream: systemd then sets `JOURNAL_STREAM` to the
    /// device and inode of the stream it connected (systemd.exec(5)), and journald records its own
    /// time for every line. A `JOURNAL_STREAM` inherited by a process whose standard error goes
    /// elsewhere does not match, so its lines keep their timestamp.
    static func wanted(journalStream: String? = getenv("JOURNAL_STREAM").map { String(cString: $0) }) -> Bool {
        guard let journalStream else { return true }
        let parts = journalStream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return true }
        var status = stat()
        guard fstat(STDERR_FILENO, &status) == 0 else { return true }
        return !(UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode)
    }

    /// The current time.
    static func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return format(seconds: Int64(time.tv_sec), milliseconds: Int(time.tv_nsec / 1_000_000))
    }

    /// `seconds` since the Unix epoch and `milliseconds` into that second, as RFC 3339 in UTC.
    static func format(seconds: Int64, milliseconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        var text = ""
        text.reserveCapacity(24)
        append(Int(year), width: 4, to: &text)
        text += "-"
        append(month, width: 2, to: &text)
        text += "-"
        append(day, width: 2, to: &text)
        text += "T"
        append(secondOfDay / 3600, width: 2, to: &text)
        text += ":"
        append(secondOfDay / 60 % 60, width: 2, to: &text)
        text += ":"
        append(secondOfDay % 60, width: 2, to: &text)
        text += "."
        append(milliseconds, width: 3, to: &text)
        text += "Z"
        return text
    }

    /// Year, month and day of the day `days` after 1970-01-01 (Howard Hinnant's civil_from_days).
    private static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func append(_ value: Int, width: Int, to text: inout String) {
        let digits = String(value)
        if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
        text += digits
    }
}
