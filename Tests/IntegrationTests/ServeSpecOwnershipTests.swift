import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `serve --config` believes a spec only when no other local user can change it: the spec decides
/// whom the server trusts. At start a planted or writable spec is refused (exit 2); on SIGHUP it
/// leaves the running configuration in force.
@Suite struct ServeSpecOwnershipTests {
    @Test func aSpecAnyoneMayWriteIsRefusedAtStart() async throws {
        let scratch = try TemporaryDirectory("greenroom-spec-mode")
        let spec = try scratch.write("greenroom.yml", "app:\n  trust: [loopback]\n")
        chmod(spec, 0o666)
        let result = try await GreenroomBinary.runUnprivileged(["serve", "--config", spec, "--port", "0"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("anyone may write to \(spec)"), "\(result)")
    }

    @Test func aSpecInADirectoryAnyoneMayWriteIsRefused() async throws {
        let scratch = try TemporaryDirectory("greenroom-spec-dir")
        let directory = try scratch.makeDirectory("open", mode: 0o777)
        let spec = try scratch.write("open/greenroom.yml", "app:\n  trust: [loopback]\n")
        let result = try await GreenroomBinary.runUnprivileged(["serve", "--config", spec, "--port", "0"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("its directory \(directory) is writable by anyone"), "\(result)")
        // With the sticky bit (like /tmp) only the owner may replace it: served.
        chmod(directory, 0o1777)
        try await ServeProcess.onFreePort(["--config", spec], logDirectory: scratch) { _, port in
            let response = try await Curl.request("http://127.0.0.1:\(port)/healthz")
            #expect(response.status == 200)
        }
    }

    @Test func aSpecOfAnotherUserIsRefused() async throws {
        // Only root can give a file to a third user (neither root nor the server's user).
        try TestEnvironment.requireRoot("giving the spec to another user")
        let scratch = try TemporaryDirectory("greenroom-spec-owner")
        let spec = try scratch.write("greenroom.yml", "app:\n  trust: [loopback]\n")
        chown(spec, 1, 1)  // daemon
        let result = try await GreenroomBinary.runUnprivileged(["serve", "--config", spec, "--port", "0"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("belongs to uid 1"), "\(result)")
    }

    @Test func aSpecMadeWritableWhileServingIsNotReloaded() async throws {
        let scratch = try TemporaryDirectory("greenroom-spec-reload")
        let spec = try scratch.write("greenroom.yml", "app:\n  trust: [loopback]\n")
        try await ServeProcess.onFreePort(["--config", spec], logDirectory: scratch) { serve, _ in
            chmod(spec, 0o666)
            try await ServeReloadTests.reload(serve, count: 1)
            #expect(serve.output.contains("SIGHUP: reload failed"), "\(serve.output)")
            #expect(serve.output.contains("anyone may write to"), "\(serve.output)")
        }
    }
}
