import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `serve --access-log-file`: lines go to the file, logrotate's move-then-SIGHUP loses none, and
/// a file a local user planted (a symlink, someone else's file, a hard link) is refused.
@Suite(.serialized) struct ServeAccessLogFileTests {
    /// A directory the server (run as `nobody` when the tests run as root) can create files in;
    /// sticky, like /tmp, so only a file's owner can remove or rename it.
    static func logDirectory(in scratch: TemporaryDirectory) throws -> String {
        try scratch.makeDirectory("logs", mode: 0o1777)
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func logrotateMovesTheFileAndSIGHUPStartsANewOneLosingNoLine() async throws {
        let scratch = try TemporaryDirectory("greenroom-access-file")
        let log = try Self.logDirectory(in: scratch) + "/access.log"
        // onFreePort turns the access log off; the later flag wins.
        try await ServeProcess.onFreePort(["--access-log", "text", "--access-log-file", log], logDirectory: scratch) {
            serve,
            port in
            for _ in 0..<5 { _ = try await Curl.request("http://127.0.0.1:\(port)/healthz") }
            try await waitUntil("5 lines in the file") { Self.lines(log).count == 5 }
            var status = stat()
            #expect(stat(log, &status) == 0 && status.st_mode & 0o777 == 0o640, "created 0640")
            #expect(!serve.output.contains("/healthz"), "nothing on standard error: \(serve.output)")

            // logrotate: rename, then SIGHUP; requests keep coming while it happens.
            let rotated = log + ".1"
            #expect(rename(log, rotated) == 0)
            for _ in 0..<3 { _ = try await Curl.request("http://127.0.0.1:\(port)/healthz") }
            kill(serve.process.pid, SIGHUP)
            try await serve.process.waitUntil("the reload") { serve.output.contains("SIGHUP: reload done") }
            for _ in 0..<4 { _ = try await Curl.request("http://127.0.0.1:\(port)/whoami") }
            try await waitUntil("4 lines in the new file") { Self.lines(log).count == 4 }
            try await waitUntil("8 lines in the old file") { Self.lines(rotated).count == 8 }
            #expect(Self.lines(log).allSatisfy { $0.contains("/whoami") }, "\(Self.lines(log))")
            #expect(Self.lines(rotated).allSatisfy { $0.contains("/healthz") }, "\(Self.lines(rotated))")
        }
    }

    /// The flusher writes every 100 ms; a graceful stop writes what is left at once.
    @Test func aStopRightAfterRequestsLosesNoLine() async throws {
        let scratch = try TemporaryDirectory("greenroom-access-stop")
        let log = try Self.logDirectory(in: scratch) + "/access.log"
        try await ServeProcess.onFreePort(["--access-log", "text", "--access-log-file", log], logDirectory: scratch) {
            serve,
            port in
            for _ in 0..<20 { _ = try await Curl.request("http://127.0.0.1:\(port)/healthz") }
            #expect(serve.stop() == 0, "\(serve.output)")
            #expect(Self.lines(log).count == 20, "\(Self.lines(log))")
        }
    }

    @Test func aSymbolicLinkIsRefused() async throws {
        let scratch = try TemporaryDirectory("greenroom-access-link")
        let directory = try Self.logDirectory(in: scratch)
        let target = try scratch.write("secret", "do not touch\n")
        #expect(symlink(target, directory + "/access.log") == 0)
        let result = try await GreenroomBinary.runUnprivileged([
            "serve", "--port", "0", "--access-log-file", directory + "/access.log",
        ])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("is a symbolic link"), "\(result)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "do not touch\n")
    }

    @Test func aHardLinkToAnotherFileIsRefused() async throws {
        let scratch = try TemporaryDirectory("greenroom-access-hardlink")
        let directory = try Self.logDirectory(in: scratch)
        let target = directory + "/victim"
        // Made by the user the server runs as, so only the link count gives it away.
        let script = "umask 077; echo data > \(target); ln \(target) \(directory)/access.log"
        let made: ProcessResult
        if TestEnvironment.isRoot {
            let setpriv = try TestEnvironment.requireProgram("setpriv", package: "util-linux")
            made = try await ProcessRunner.run(
                setpriv,
                ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", "/bin/sh", "-c", script]
            )
        } else {
            made = try await ProcessRunner.run("/bin/sh", ["-c", script])
        }
        try #require(made.status == 0, "\(made)")
        let result = try await GreenroomBinary.runUnprivileged([
            "serve", "--port", "0", "--access-log-file", directory + "/access.log",
        ])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("2 hard links"), "\(result)")
    }

    @Test func someoneElsesFileIsRefused() async throws {
        // Only root can make a file owned by another user than the one the server runs as.
        try TestEnvironment.requireRoot("planting a file of another user")
        let scratch = try TemporaryDirectory("greenroom-access-owner")
        let directory = try Self.logDirectory(in: scratch)
        // Root's file; the server runs as nobody.
        _ = try scratch.write("logs/access.log", "")
        chmod(directory + "/access.log", 0o666)
        let result = try await GreenroomBinary.runUnprivileged([
            "serve", "--port", "0", "--access-log-file", directory + "/access.log",
        ])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("belongs to uid 0"), "\(result)")
    }
}
