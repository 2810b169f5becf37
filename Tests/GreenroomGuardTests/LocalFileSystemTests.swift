import Foundation
import GreenroomConfigParsing
import GreenroomCore
import GreenroomGuard
import Testing

/// Bad input from the real disk: missing files, directories, FIFOs, devices, symlink loops, and a
/// 10 MB configuration.
@Suite struct LocalFileSystemTests {
    /// A fresh temporary directory, removed when the test ends.
    final class TemporaryDirectory {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "greenroom-guard-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func write(_ text: String, to name: String) throws {
            let full = path + "/" + name
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        }
    }

    @Test func aMissingFileSaysSo() throws {
        let error = try #require(throws: ConfigParseError.self) {
            try ProxyConfigCheck.nginx("/nonexistent/greenroom/nginx.conf", app: nil)
        }
        #expect(error.code == .fileNotFound)
        #expect(error.description == "'/nonexistent/greenroom/nginx.conf' does not exist")
    }

    @Test func aDirectoryIsNotAFile() throws {
        let directory = try TemporaryDirectory()
        let error = try #require(throws: ConfigParseError.self) { try ProxyConfigCheck.nginx(directory.path, app: nil) }
        #expect(error.code == .isDirectory)
        #expect(error.message.contains(directory.path))
    }

    /// We run as root, so permission bits cannot make a file unreadable; a FIFO is the
    /// unreadable file we can make, and it must be refused without waiting for a writer.
    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.path + "/nginx.conf"
        #expect(mkfifo(fifo, 0o600) == 0)
        let error = try #require(throws: ConfigParseError.self) { try ProxyConfigCheck.nginx(fifo, app: nil) }
        #expect(error.code == .unreadable)
        #expect(error.message == "'\(fifo)' is not a regular file")
    }

    @Test func aDeviceIncludedIsRefusedAtTheInclude() throws {
        let directory = try TemporaryDirectory()
        try directory.write("events {}\ninclude /dev/zero;\n", to: "nginx.conf")
        let error = try #require(throws: ConfigParseError.self) {
            try ProxyConfigCheck.nginx(directory.path + "/nginx.conf", app: nil)
        }
        #expect(error.code == .unreadable)
        #expect(error.location?.line == 2)
    }

    @Test func aSymlinkLoopIsCaughtThroughCanonicalPaths() throws {
        let directory = try TemporaryDirectory()
        try directory.write("http { include sites/*.conf; }\n", to: "nginx.conf")
        try FileManager.default.createDirectory(atPath: directory.path + "/sites", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: directory.path + "/sites/again.conf",
            withDestinationPath: directory.path + "/nginx.conf"
        )
        let error = try #require(throws: ConfigParseError.self) {
            try ProxyConfigCheck.nginx(directory.path + "/nginx.conf", app: nil)
        }
        #expect(error.code == .includeLoop)
    }

    @Test func binaryGarbageAsNginxConfIsAClearError() throws {
        let directory = try TemporaryDirectory()
        var generator = SplitMix64(seed: 42)
        let bytes = (0..<65_536).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        try Data(bytes).write(to: URL(fileURLWithPath: directory.path + "/nginx.conf"))
        let error = try #require(throws: ConfigParseError.self) {
            try ProxyConfigCheck.nginx(directory.path + "/nginx.conf", app: nil)
        }
        #expect(error.location != nil)
        #expect(error.description.hasPrefix(directory.path + "/nginx.conf:"))
        let apache = try #require(throws: ConfigParseError.self) {
            try ProxyConfigCheck.apache(directory.path + "/nginx.conf", app: nil)
        }
        #expect(apache.code == .binaryData)
    }

    /// 10 MB of server blocks parses (bounded work, no timing assertion) and the rules run.
    @Test func aTenMegabyteConfigurationParses() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/nginx.conf"
        let (servers, http, quiet, findings) = try await onOwnThread {
            var text = "events {}\nhttp {\n    upstream app { server 127.0.0.1:8000; keepalive 64; }\n"
            var servers = 0
            while text.utf8.count < 10_000_000 {
                text += """
                        server {
                            listen 127.0.0.1:\(10_000 + servers % 50_000);
                            server_name "site\(servers).example.test";   # comment \(servers)
                            location / {
                                proxy_pass http://app;
                                proxy_http_version 1.1;
                                proxy_set_header Connection "";
                                proxy_set_header Host $host;
                            }
                        }

                    """
                servers += 1
            }
            text += "}\n"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let config = try NginxConfig.load(path, fileSystem: LocalFileSystem())
            // With an app every rule runs: one GR022 (forwarding headers) and one GR032 (/ws) per server.
            let app = AppExpectation(binds: [.tcp(host: "127.0.0.1", port: 8000)], websocketPaths: ["/ws"])
            return (
                servers, config.directives.last?.block?.count, NginxChecker(app: nil).check(config).isEmpty,
                NginxChecker(app: app).check(config).map(\.rule.description)
            )
        }
        #expect(http == servers + 1)
        #expect(quiet)
        #expect(Set(findings) == ["GR022", "GR032"])
        #expect(findings.count == 2 * servers)
    }

    @Test func filesOverSixteenMebibytesAreRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/nginx.conf"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(16 << 20) + 1)
        try handle.close()
        let error = try #require(throws: ConfigParseError.self) { try ProxyConfigCheck.nginx(path, app: nil) }
        #expect(error.code == .fileTooLarge)
    }

    @Test func globMatchesLikeGlob3() throws {
        let directory = try TemporaryDirectory()
        for name in ["b.conf", "a.conf", "B.conf", ".hidden.conf", "c.txt"] {
            try directory.write("#\n", to: "d/\(name)")
        }
        let matches = try LocalFileSystem().glob(directory.path + "/d/*.conf")
        #expect(matches.map { ($0 as NSString).lastPathComponent } == ["B.conf", "a.conf", "b.conf"])
        #expect(try LocalFileSystem().glob(directory.path + "/d/none-*.conf").isEmpty)
        let memory = InMemoryFileSystem(
            texts: Dictionary(
                uniqueKeysWithValues: ["b.conf", "a.conf", "B.conf", ".hidden.conf", "c.txt"].map {
                    ("/d/\($0)", "#\n")
                }
            )
        )
        #expect(try memory.glob("/d/*.conf") == ["/d/B.conf", "/d/a.conf", "/d/b.conf"])
    }
}
