import Foundation

/// The flags of a bench, read one at a time: `while let flag = arguments.next() { switch flag … }`.
struct BenchArguments {
    private var rest: ArraySlice<String>

    init(_ arguments: [String]) {
        rest = arguments[...]
    }

    /// The next flag, or `nil` at the end.
    mutating func next() -> String? { rest.popFirst() }

    /// The value after `flag`.
    mutating func value(_ flag: String) throws -> String {
        guard let next = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
        return next
    }

    /// The whole number after `flag`, at least `minimum`.
    mutating func number(_ flag: String, minimum: Int = 1) throws -> Int {
        let text = try value(flag)
        guard let number = Int(text), number >= minimum else {
            throw BenchError("\(flag) '\(text)' is not a count of at least \(minimum)")
        }
        return number
    }

    /// The `greenroom` binary next to this one: `swift build -c release` puts them together.
    static var defaultGreenroom: String {
        let me =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (me as NSString).deletingLastPathComponent + "/greenroom"
    }

    /// Fails unless `path` is an executable `greenroom`.
    static func requireGreenroom(_ path: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchError("no greenroom binary at \(path) (build it: swift build -c release)")
        }
    }

    /// Answers `--help` with `help`: `true` when the bench should stop there.
    static func answeredHelp(_ arguments: [String], _ help: String) -> Bool {
        guard arguments.contains("--help") else { return false }
        print(help)
        return true
    }

    /// A fresh directory for one run's files (configs, logs, the greenroom copy), readable by
    /// everyone since servers run as `nobody` when the bench runs as root. The caller removes it.
    static func scratchDirectory(_ name: String) throws -> String {
        let directory = NSTemporaryDirectory() + "greenroom-bench-\(name)-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o755)
        return directory
    }
}
