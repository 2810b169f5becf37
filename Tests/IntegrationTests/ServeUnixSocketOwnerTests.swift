import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `greenroom serve --unix PATH` never takes over a socket another user's live server listens on.
///
/// Only a socket that refuses connections (ECONNREFUSED) is stale. A socket whose mode keeps this
/// user out answers connect() with EACCES: its server is alive, and removing the path would move
/// the proxy's traffic to the new process. To get that EACCES for real the socket belongs to root
/// (mode 0600, in a directory everyone may write, so `nobody` could unlink it) and `serve` runs as
/// `nobody` through setpriv: root itself bypasses the permission check on connect().
@Suite struct ServeUnixSocketOwnerTests {
    @Test(arguments: [false, true])
    func aLiveSocketOfAnotherUserIsRefusedNotReplaced(noGuard: Bool) async throws {
        try TestEnvironment.requireRoot("the socket must belong to another user than the one serve runs as")
        let scratch = try TemporaryDirectory()
        let shared = try scratch.makeDirectory("shared", mode: 0o777)
        let path = shared + "/app.sock"
        let listener = try await LiveListener.unix(path: path, mode: "600", asRoot: true, in: scratch)
        defer { listener.stop() }
        var before = stat()
        #expect(lstat(path, &before) == 0)
        #expect(before.st_uid == 0 && before.st_mode & 0o777 == 0o600)

        let result = try await GreenroomBinary.runUnprivileged(
            ["serve", "--unix", path, "--trust", "unix"] + (noGuard ? ["--no-guard"] : []),
            timeout: .seconds(15)
        )
        // The start-up guard refuses with 2; with --no-guard setting up the socket refuses, with 1
        // like any other failure to listen.
        #expect(result.status == (noGuard ? 1 : 2), "\(result)")
        #expect(!result.stdout.contains("starting up"), "\(result)")
        #expect(result.stderr.contains("\(path) is in use"), "\(result)")
        #expect(result.stderr.contains("owned by root (uid 0)"), "\(result)")

        var after = stat()
        #expect(lstat(path, &after) == 0, "the live socket is still there")
        #expect(after.st_ino == before.st_ino && after.st_uid == 0, "and it is still root's")
        #expect(FreePort.isAccepting(unixSocket: path), "and its server still accepts")
    }
}
