import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A bare listening socket for the live-check tests: a few lines of Perl (perl-base is Essential
/// on Debian, so it is on every machine the tests run on) that bind, listen, accept and close, so
/// `greenroom check --live` finds a real listener in `/proc/net` owned by a real process. When the
/// tests run as root it runs as `nobody` unless asked to stay root.
final class LiveListener: @unchecked Sendable {
    let process: BackgroundProcess
    /// `0.0.0.0:8000`, `[fd00::2]:8000` or the socket path.
    let address: String

    private init(process: BackgroundProcess, address: String) {
        self.process = process
        self.address = address
    }

    static let script = """
        use strict;
        use Socket qw(:DEFAULT inet_pton pack_sockaddr_in6);
        my ($kind, $where, $extra) = @ARGV;
        my $s;
        if ($kind eq "unix") {
            socket($s, AF_UNIX, SOCK_STREAM, 0) or die "socket: $!";
            bind($s, pack_sockaddr_un($where)) or die "bind: $!";
            chmod(oct($extra), $where) or die "chmod: $!";
        } elsif ($where =~ /:/) {
            socket($s, AF_INET6, SOCK_STREAM, 0) or die "socket: $!";
            bind($s, pack_sockaddr_in6($extra, inet_pton(AF_INET6, $where))) or die "bind: $!";
        } else {
            socket($s, AF_INET, SOCK_STREAM, 0) or die "socket: $!";
            bind($s, pack_sockaddr_in($extra, inet_aton($where))) or die "bind: $!";
        }
        listen($s, 64) or die "listen: $!";
        $| = 1;
        print "listening\\n";
        while (accept(my $connection, $s)) { close($connection); }
        """

    /// Listens on TCP `host:port`.
    static func tcp(
        host: String,
        port: UInt16,
        asRoot: Bool = false,
        in directory: TemporaryDirectory
    ) async throws
        -> LiveListener
    {
        let shown = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        return try await start(["tcp", host, "\(port)"], shown: shown, asRoot: asRoot, in: directory)
    }

    /// Listens on a unix socket at `path` with `mode` (octal text, e.g. `666`); with `asRoot`
    /// (when the tests run as root) the socket belongs to root instead of `nobody`.
    static func unix(
        path: String,
        mode: String,
        asRoot: Bool = false,
        in directory: TemporaryDirectory
    ) async throws -> LiveListener {
        try await start(["unix", path, mode], shown: path, asRoot: asRoot, in: directory)
    }

    private static func start(
        _ arguments: [String],
        shown: String,
        asRoot: Bool,
        in directory: TemporaryDirectory
    )
        async throws -> LiveListener
    {
        let perl = try TestEnvironment.requireProgram("perl", package: "perl-base")
        let script = try directory.write("listener.pl", script)
        var executable = perl
        var fullArguments = [script] + arguments
        if TestEnvironment.isRoot && !asRoot {
            executable = try TestEnvironment.requireProgram("setpriv", package: "util-linux")
            fullArguments = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", perl] + fullArguments
        }
        let process = try BackgroundProcess(
            name: "listener on \(shown)",
            executable: executable,
            arguments: fullArguments,
            logPath: directory.file("listener-\(UUID().uuidString).log")
        )
        let listener = LiveListener(process: process, address: shown)
        do {
            try await process.waitUntil("listening on \(shown)") { process.output.contains("listening") }
        } catch {
            listener.stop()
            if process.output.contains("Address already in use") { throw PortConflict(description: process.output) }
            throw error
        }
        return listener
    }

    /// The listener's process id.
    var pid: Int32 { process.pid }

    func stop() { process.stop(signal: SIGTERM, grace: .seconds(5)) }

    deinit { stop() }
}
