import Foundation
import GreenroomDeploy
import Testing

/// `greenroom init` and `greenroom generate`, run as a user runs them.
@Suite struct GenerateCommandTests {
    @Test func initWritesTheExampleAndRefusesToOverwrite() async throws {
        let scratch = try TemporaryDirectory()
        let first = try await GreenroomBinary.run(["init"], currentDirectory: scratch.path)
        #expect(first.succeeded, "\(first)")
        #expect(first.stdout.contains("wrote greenroom.yml"))
        let written = try String(contentsOfFile: scratch.file("greenroom.yml"), encoding: .utf8)
        #expect(written == (try String(contentsOfFile: "\(packageRoot)/deploy/greenroom.example.yml", encoding: .utf8)))

        // Exit 2, as for any usage error, whether the file is init's own text or not.
        let again = try await GreenroomBinary.run(["init"], currentDirectory: scratch.path)
        #expect(again.status == 2, "\(again)")
        #expect(again.stderr == "greenroom: greenroom.yml already exists; use --force to overwrite it\n")

        try "app: {}\n".write(toFile: scratch.file("greenroom.yml"), atomically: true, encoding: .utf8)
        let refused = try await GreenroomBinary.run(["init"], currentDirectory: scratch.path)
        #expect(refused.status == 2)
        #expect(refused.stderr == "greenroom: greenroom.yml already exists; use --force to overwrite it\n")
        #expect(try String(contentsOfFile: scratch.file("greenroom.yml"), encoding: .utf8) == "app: {}\n")
        let forced = try await GreenroomBinary.run(["init", "--force"], currentDirectory: scratch.path)
        #expect(forced.succeeded)
        #expect(try String(contentsOfFile: scratch.file("greenroom.yml"), encoding: .utf8) == written)
    }

    /// A link planted at the spec's path, even a dangling one, is an existing file: init never
    /// writes through it or replaces it unasked.
    @Test func initRefusesAPlantedLink() async throws {
        let scratch = try TemporaryDirectory()
        let target = scratch.file("elsewhere.yml")
        try FileManager.default.createSymbolicLink(atPath: scratch.file("greenroom.yml"), withDestinationPath: target)
        let refused = try await GreenroomBinary.run(["init"], currentDirectory: scratch.path)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr == "greenroom: greenroom.yml already exists; use --force to overwrite it\n")
        #expect(!FileManager.default.fileExists(atPath: target), "nothing was written through the link")
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: scratch.file("greenroom.yml"))
        #expect(link == target)
    }

    @Test func generatePrintsWhatTheLibraryRenders() async throws {
        let scratch = try TemporaryDirectory()
        _ = try await GreenroomBinary.run(["init"], currentDirectory: scratch.path)
        let printed = try await GreenroomBinary.run(["generate", "nginx"], currentDirectory: scratch.path)
        #expect(printed.succeeded, "\(printed)")
        let spec = try DeploymentSpec.load(path: scratch.file("greenroom.yml"))
        #expect(printed.stdout == (try Generator(spec: spec).files(for: .nginx)[0].contents))
        #expect(printed.stderr.isEmpty)
    }

    @Test func generateAllWritesAtomicallyAndNeverClobbers() async throws {
        let scratch = try TemporaryDirectory()
        _ = try await GreenroomBinary.run(["init"], currentDirectory: scratch.path)
        let out = scratch.file("out")
        let first = try await GreenroomBinary.run(["generate", "all", "--out", out], currentDirectory: scratch.path)
        #expect(first.succeeded, "\(first)")
        #expect(first.stdout.contains("wrote \(out)/nginx/greenroom.conf (nginx site (http context))"))
        #expect(first.stdout.contains("wrote \(out)/systemd/greenroom.service (systemd unit)"))
        #expect(FileManager.default.fileExists(atPath: "\(out)/nginx/greenroom.conf"))

        let again = try await GreenroomBinary.run(["generate", "all", "--out", out], currentDirectory: scratch.path)
        #expect(again.succeeded)
        #expect(again.stdout.contains("unchanged \(out)/nginx/greenroom.conf"))

        try "# my edits\n".write(toFile: "\(out)/nginx/greenroom.conf", atomically: true, encoding: .utf8)
        let refused = try await GreenroomBinary.run(["generate", "all", "--out", out], currentDirectory: scratch.path)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("exists and differs"))
        #expect(try String(contentsOfFile: "\(out)/nginx/greenroom.conf", encoding: .utf8) == "# my edits\n")

        let forced = try await GreenroomBinary.run(
            ["generate", "all", "--out", out, "--force"],
            currentDirectory: scratch.path
        )
        #expect(forced.succeeded)
        #expect(try String(contentsOfFile: "\(out)/nginx/greenroom.conf", encoding: .utf8) != "# my edits\n")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: out).filter { $0.contains(".greenroom-") }
        #expect(leftovers.isEmpty)
    }

    /// A link planted where generate writes (run as root, it would write through it): refused with
    /// the file, "is a symbolic link" and the flag; `--force` replaces the link itself; a linked
    /// directory below `--out` is refused even with `--force`. The link targets stay untouched.
    @Test func generateNeverWritesThroughAPlantedLink() async throws {
        let scratch = try TemporaryDirectory()
        _ = try await GreenroomBinary.run(["init"], currentDirectory: scratch.path)
        let out = scratch.file("out")
        let victim = try scratch.write("victim/passwd", "root:x:0:0\n")
        try scratch.makeDirectory("out/nginx")
        try FileManager.default.createSymbolicLink(atPath: "\(out)/nginx/greenroom.conf", withDestinationPath: victim)

        let refused = try await GreenroomBinary.run(["generate", "all", "--out", out], currentDirectory: scratch.path)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.hasPrefix("greenroom: \(out)/nginx/greenroom.conf: is a symbolic link;"), "\(refused)")
        #expect(refused.stderr.contains("--force"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: "\(out)/systemd"), "nothing was written")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "root:x:0:0\n")

        let forced = try await GreenroomBinary.run(
            ["generate", "all", "--out", out, "--force"],
            currentDirectory: scratch.path
        )
        #expect(forced.succeeded, "\(forced)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "root:x:0:0\n")
        let replaced = try FileManager.default.attributesOfItem(atPath: "\(out)/nginx/greenroom.conf")
        #expect(replaced[.type] as? FileAttributeType == .typeRegular)

        try FileManager.default.removeItem(atPath: "\(out)/systemd")
        try FileManager.default.createSymbolicLink(
            atPath: "\(out)/systemd",
            withDestinationPath: scratch.file("victim")
        )
        let linkedDirectory = try await GreenroomBinary.run(
            ["generate", "all", "--out", out, "--force"],
            currentDirectory: scratch.path
        )
        #expect(linkedDirectory.status == 1, "\(linkedDirectory)")
        #expect(
            linkedDirectory.stderr.hasPrefix("greenroom: \(out)/systemd: is a symbolic link;"),
            "\(linkedDirectory)"
        )
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("victim")) == ["passwd"])
    }

    @Test func aBadSpecIsOneLineAndExitStatusTwo() async throws {
        let scratch = try TemporaryDirectory()
        try "app:\n  listen:\n    host: 0.0.0.0\n    port: 8000\n".write(
            toFile: scratch.file("bad.yml"),
            atomically: true,
            encoding: .utf8
        )
        let result = try await GreenroomBinary.run(
            ["generate", "nginx", "--config", "bad.yml"],
            currentDirectory: scratch.path
        )
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("bad.yml:3:11: app.listen.host: '0.0.0.0' listens on every interface"))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)

        let missing = try await GreenroomBinary.run(
            ["generate", "systemd", "--config", "none.yml"],
            currentDirectory: scratch.path
        )
        #expect(missing.status == 2)
        #expect(missing.stderr == "none.yml:1:1: no such file (create one with `greenroom init`)\n")
    }

    @Test func aProxyThatCannotHonourTheSpecIsRefused() async throws {
        let scratch = try TemporaryDirectory()
        try "app:\n  proxy_protocol: v2\nproxy:\n  kind: haproxy\n".write(
            toFile: scratch.file("greenroom.yml"),
            atomically: true,
            encoding: .utf8
        )
        let result = try await GreenroomBinary.run(["generate", "apache"], currentDirectory: scratch.path)
        #expect(result.status == 2)
        #expect(
            result.stderr.hasPrefix(
                "greenroom.yml:2:19: app.proxy_protocol: Apache httpd cannot send the PROXY protocol"
            )
        )
        let haproxy = try await GreenroomBinary.run(["generate", "haproxy"], currentDirectory: scratch.path)
        #expect(haproxy.succeeded)
        #expect(haproxy.stdout.contains("send-proxy-v2-ssl"))
    }

    @Test func templatesCanBeOverriddenAtRunTime() async throws {
        let scratch = try TemporaryDirectory()
        _ = try await GreenroomBinary.run(["init"], currentDirectory: scratch.path)
        try scratch.write("tpl/systemd-service.mustache", "# unit for {{name}} on {{app_endpoints}}\n")
        let result = try await GreenroomBinary.run(
            ["generate", "systemd", "--templates", "tpl"],
            currentDirectory: scratch.path
        )
        #expect(result.succeeded, "\(result)")
        // The service comes from the override; its socket unit from the built-in template.
        #expect(result.stdout.hasPrefix("# ==> greenroom.service <==\n# unit for greenroom on 127.0.0.1:8000\n"))
        #expect(result.stdout.contains("# ==> greenroom.socket <==\n"), "\(result)")
        let broken = try await GreenroomBinary.run(
            ["generate", "systemd", "--templates", "nowhere"],
            currentDirectory: scratch.path
        )
        #expect(broken.status == 2)
        #expect(broken.stderr.hasPrefix("nowhere: cannot read the template directory"))
    }
}
