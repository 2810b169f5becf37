import Foundation
import GreenroomConfigParsing
import GreenroomGuard
import Testing

/// Our nginx parser against the real nginx: `nginx -T` must list the files we resolve, in our
/// order, and re-parsing its dump must give our tree; `return 200 <word>` must serve the exact
/// value our tokenizer computes.
@Suite(.serialized) struct NginxDaemonTests {
    /// A configuration exercising globs, relative includes from nested files, quoting and nesting.
    static func writeTree(in directory: LocalFileSystemTests.TemporaryDirectory) throws {
        try directory.write(
            """
            # main file; relative includes resolve against this directory
            events { worker_connections 64; }
            http {
                include conf.d/*.conf;
                include conf.d/none-*.conf;
                map $http_upgrade $connection_upgrade { default upgrade; '' ""; }
                log_format quoted '$remote_addr "$request" {not a block;}';
                server {
                    listen 127.0.0.1:1;
                    add_header X-Semi "a;b" always;   # comment { ;
                    location / {
                        include snippets/proxy.conf;
                        location ~ "^/x{2}$" { return 200 "x\\"y"; }
                    }
                }
            }
            """,
            to: "nginx.conf"
        )
        try directory.write("upstream b { server 127.0.0.1:2; }\n", to: "conf.d/b.conf")
        try directory.write(
            "upstream a { server 127.0.0.1:1; keepalive 8; }\ninclude snippets/empty.conf;\n",
            to: "conf.d/a.conf"
        )
        try directory.write("", to: "snippets/empty.conf")
        try directory.write(
            "proxy_pass http://a;\nproxy_set_header Host $host;\nproxy_set_header X-Forwarded-For $remote_addr;",
            to: "snippets/proxy.conf"
        )
        try directory.write("not nginx at all {", to: "conf.d/ignored.txt")
    }

    @Test func dumpListsOurFilesAndReparsesToOurTree() throws {
        guard let nginx = Daemon.require("nginx") else { return }
        let directory = try LocalFileSystemTests.TemporaryDirectory()
        try Self.writeTree(in: directory)
        let main = directory.path + "/nginx.conf"
        let result = try Daemon.run(
            nginx,
            ["-T", "-c", main, "-p", directory.path + "/", "-g", "pid \(directory.path)/nginx.pid; error_log stderr;"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        let ours = try NginxConfig.load(main, fileSystem: LocalFileSystem())
        let dumped = try #require(NginxDump.fileSystem(from: Array(result.stdout)))
        #expect(NginxDump.files(from: Array(result.stdout)).map(\.path) == ours.files)
        let reparsed = try NginxConfig.load(dumped.mainFile, fileSystem: dumped.fileSystem, confPrefix: ours.confPrefix)
        #expect(reparsed.files == ours.files)
        #expect(reparsed.directives == ours.directives)
    }

    /// The machine's own nginx configuration (Debian's /etc/nginx), read-only.
    @Test func theSystemConfigurationMatchesItsDump() throws {
        guard let nginx = Daemon.require("nginx") else { return }
        guard FileManager.default.fileExists(atPath: "/etc/nginx/nginx.conf") else {
            print("skipping: no /etc/nginx/nginx.conf on this machine")
            return
        }
        let result = try Daemon.run(nginx, ["-T", "-c", "/etc/nginx/nginx.conf"])
        guard result.status == 0 else {
            print("skipping: nginx -T fails on this machine's configuration: \(result.stderr)")
            return
        }
        let ours = try NginxConfig.load("/etc/nginx/nginx.conf", fileSystem: LocalFileSystem())
        let dumped = try #require(NginxDump.fileSystem(from: Array(result.stdout)))
        #expect(NginxDump.files(from: Array(result.stdout)).map(\.path) == ours.files)
        let reparsed = try NginxConfig.load(dumped.mainFile, fileSystem: dumped.fileSystem, confPrefix: ours.confPrefix)
        #expect(reparsed.directives == ours.directives)
    }

    /// Values nginx itself serves for `return 200 <word>;`, compared with our unescaping.
    static let words = [
        #""a\"b""#, #"'it\'s'"#, #""tab\there""#, #""nl\nx""#, #""back\\slash""#, #"a\;b"#,
        #""semi;colon{brace}""#, "x#y", #""\q""#, #"'dq"inside'"#, "\"multi\nline\"", #"\"lead"#,
        #""a'b""#, #"plain\\"#,
    ]

    @Test func servedValuesMatchOurTokenizer() throws {
        guard let nginx = Daemon.require("nginx"), let curl = Daemon.require("curl") else { return }
        let directory = try LocalFileSystemTests.TemporaryDirectory()
        var locations = ""
        for (index, word) in Self.words.enumerated() {
            locations += "        location = /t\(index) { return 200 \(word); }\n"
        }
        var server: Daemon.Background? = nil
        var port = 0
        // A random high loopback port; retry on the rare collision.
        for _ in 0..<10 where server == nil {
            port = Int.random(in: 20_000...60_000)
            try directory.write(
                """
                daemon off;
                master_process off;
                pid \(directory.path)/nginx.pid;
                error_log \(directory.path)/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    default_type text/plain;
                    server {
                        listen 127.0.0.1:\(port);
                \(locations)    }
                }
                """,
                to: "nginx.conf"
            )
            let candidate = try Daemon.Background(
                nginx,
                ["-c", directory.path + "/nginx.conf", "-p", directory.path + "/"]
            )
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && candidate.isRunning {
                let probe = try Daemon.run(
                    curl,
                    ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/t0"]
                )
                if String(decoding: probe.stdout, as: UTF8.self) == "200" {
                    server = candidate
                    break
                }
                usleep(50_000)
            }
            if server == nil { candidate.stop() }
        }
        let running = try #require(server, "nginx did not start")
        defer { running.stop() }
        let config = try NginxConfig.load(directory.path + "/nginx.conf", fileSystem: LocalFileSystem())
        var returns: [String: String] = [:]
        config.forEachDirective { directive, parents in
            guard directive.name == "return", let location = parents.last else { return }
            returns[location.values.last ?? ""] = directive.arguments.last?.value
        }
        for index in Self.words.indices {
            let served = try Daemon.run(curl, ["-s", "http://127.0.0.1:\(port)/t\(index)"])
            #expect(
                String(decoding: served.stdout, as: UTF8.self) == returns["/t\(index)"],
                "word \(Self.words[index])"
            )
        }
    }
}
