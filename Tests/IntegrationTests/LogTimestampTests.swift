import Testing

@testable import greenroom

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The time at the start of each log line: RFC 3339 in UTC with milliseconds, and none when
/// journald is the stream (it stamps lines itself).
@Suite struct LogTimestampTests {
    @Test(arguments: [
        (Int64(0), 0, "1970-01-01T00:00:00.000Z"),
        (951_782_400, 7, "2000-02-29T00:00:00.007Z"),
        (1_764_903_001, 123, "2025-12-05T02:50:01.123Z"),
        (-1, 999, "1969-12-31T23:59:59.999Z"),
        (4_102_444_799, 50, "2099-12-31T23:59:59.050Z"),
    ])
    func formatsUTCWithMilliseconds(_ seconds: Int64, _ milliseconds: Int, _ expected: String) {
        #expect(LogTimestamp.format(seconds: seconds, milliseconds: milliseconds) == expected)
    }

    @Test func nowIsTheCurrentSecond() {
        let before = time(nil)
        let stamp = LogTimestamp.now()
        let after = time(nil)
        let candidates = (before...after).map { LogTimestamp.format(seconds: Int64($0), milliseconds: 0).prefix(19) }
        #expect(candidates.contains(stamp.prefix(19)), "\(stamp)")
        #expect(stamp.count == 24 && stamp.hasSuffix("Z"))
    }

    @Test func journaldsOwnStreamGetsNoTimestampAnythingElseDoes() {
        var status = stat()
        #expect(fstat(STDERR_FILENO, &status) == 0)
        #expect(!LogTimestamp.wanted(journalStream: "\(status.st_dev):\(status.st_ino)"))
        #expect(LogTimestamp.wanted(journalStream: "\(status.st_dev):\(status.st_ino &+ 1)"))
        #expect(LogTimestamp.wanted(journalStream: nil))
        #expect(LogTimestamp.wanted(journalStream: "garbage"))
    }
}
