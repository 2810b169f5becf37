import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under the system temp directory, removed when the value is released (or by
/// ``remove()``), so a failing test leaves nothing behind.
///
/// Created world-traversable (0755): daemons' worker processes and `greenroom serve` run as
/// `nobody` when the tests run as root, and must reach files and sockets inside.
final class TemporaryDirectory: @unchecked Sendable {
    /// The absolute path. Short (under /tmp), so unix socket paths inside stay below 108 bytes.
    let path: String

    init(_ prefix: String = "greenroom") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw HarnessError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
        chmod(path, 0o755)
    }

    /// `path/name`.
    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Creates `path/name` (and parents), world-readable.
    @discardableResult
    func makeDirectory(_ name: String, mode: mode_t = 0o755) throws -> String {
        let directory = file(name)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, mode)
        return directory
    }

    /// Writes `text` to `path/name`, creating parent directories.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        chmod(target, 0o644)
        return target
    }

    /// Deletes the directory and everything in it (kept when `GREENROOM_KEEP_TEMP=1`, for debugging).
    func remove() {
        guard ProcessInfo.processInfo.environment["GREENROOM_KEEP_TEMP"] != "1" else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit { remove() }
}
