import Foundation
import GreenroomConfigParsing
import GreenroomGuard
import Testing

/// Our Apache include resolution against httpd's own: `apache2 -t -D DUMP_INCLUDES` must list
/// the files we read, in our order.
@Suite struct ApacheDaemonTests {
    @Test func dumpIncludesListsOurFiles() throws {
        guard let apache = Daemon.require("apache2") ?? Daemon.require("httpd") else { return }
        let modules = ["/usr/lib/apache2/modules", "/usr/lib64/httpd/modules", "/usr/libexec/apache2"]
        guard
            let moduleDirectory = modules.first(where: {
                FileManager.default.fileExists(atPath: "\($0)/mod_mpm_event.so")
            })
        else {
            print("skipping: no mod_mpm_event.so in \(modules)")
            return
        }
        let root = try LocalFileSystemTests.TemporaryDirectory()
        try root.write(
            """
            # ServerRoot-relative includes, wildcards, a directory include, a Define, a continuation
            LoadModule mpm_event_module \(moduleDirectory)/mod_mpm_event.so
            PidFile \(root.path)/httpd.pid
            ErrorLog \(root.path)/error.log
            ServerName localhost
            Listen 127.0.0.1:1
            Define EXTRA extra.d
            IncludeOptional mods/*.load
            Include ports.conf
            Include \\
                sites
            IncludeOptional ${EXTRA}/*.conf
            IncludeOptional nothing/*.conf
            <IfModule mpm_event_module>
                Include conf.d/*.conf
            </IfModule>
            """,
            to: "httpd.conf"
        )
        try root.write("# no modules needed\n", to: "mods/b.load")
        try root.write("# a\n", to: "mods/a.load")
        try root.write("# ports\n", to: "ports.conf")
        try root.write("<VirtualHost 127.0.0.1:1>\n</VirtualHost>\n", to: "sites/b.conf")
        try root.write("<VirtualHost 127.0.0.1:1>\n</VirtualHost>\n", to: "sites/a.conf")
        try root.write("# extra\n", to: "extra.d/x.conf")
        try root.write("ServerAdmin admin@example.test\n", to: "conf.d/z.conf")
        let main = root.path + "/httpd.conf"
        let result = try Daemon.run(apache, ["-t", "-D", "DUMP_INCLUDES", "-f", main, "-d", root.path])
        #expect(result.status == 0, "\(result.stderr)")
        let listed = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").compactMap {
            line -> String? in
            guard let close = line.firstIndex(of: ")"), line.drop(while: { $0 == " " }).hasPrefix("(") else {
                return nil
            }
            return String(line[line.index(after: close)...].drop { $0 == " " })
        }
        let ours = try ApacheConfig.load(main, fileSystem: LocalFileSystem(), serverRoot: root.path)
        #expect(!listed.isEmpty)
        #expect(listed == ours.files)
    }
}
