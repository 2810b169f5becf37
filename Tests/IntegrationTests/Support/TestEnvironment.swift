import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What the integration tests need from the machine, and how they react when it is missing.
///
/// A missing tool (nginx, apache2, haproxy, curl, openssl, systemd-analyze) skips the test with a
/// printed reason on a developer machine, and fails it when `CI=true`: CI installs everything
/// (`.ci/run`), so a missing tool there is a broken environment, not a reason to pass.
enum TestEnvironment {
    /// `true` when the environment variable `CI` is `true`.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// `true` when running as root (effective uid 0).
    static var isRoot: Bool { geteuid() == 0 }

    /// Directories searched besides `PATH` (daemons live in sbin, which is often not on `PATH`).
    static let extraSearchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// The absolute path of an executable named `name`, or `nil`.
    static func findProgram(_ name: String) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map(String.init) ?? []
        for directory in path + extraSearchPath {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The path of `name`, or a skip (locally) / failure (CI) naming the Debian package to install.
    static func requireProgram(
        _ name: String,
        package: String? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> String {
        if let path = findProgram(name) { return path }
        try skip("\(name) is not installed (apt-get install \(package ?? name))", sourceLocation: sourceLocation)
    }

    /// Skips the running test with `reason` printed; under `CI=true` records a failure instead.
    static func skip(_ reason: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Never {
        if isCI {
            Issue.record("required for CI: \(reason)", sourceLocation: sourceLocation)
            throw SkipFailure(reason: reason)
        }
        print("skipped: \(reason)")
        try Test.cancel("skipped: \(reason)", sourceLocation: sourceLocation)
    }

    /// Skips unless running as root (needed to start daemons that switch users, or `ip netns`).
    static func requireRoot(_ why: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        if !isRoot { try skip("needs root: \(why)", sourceLocation: sourceLocation) }
    }
}

/// Thrown after a CI failure was recorded for a missing requirement.
struct SkipFailure: Error, CustomStringConvertible {
    let reason: String
    var description: String { "missing requirement: \(reason)" }
}

/// A test-harness failure with a readable message (a daemon that did not start, a timeout, ...).
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The package root, found from this file's path.
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
}()
