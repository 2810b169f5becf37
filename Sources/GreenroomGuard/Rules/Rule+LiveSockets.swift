import GreenroomCore

extension Rule {
    /// GR080.
    public static let liveWildcardListener = Rule(
        id: .liveWildcardListener,
        severity: .error,
        scope: .live,
        title: "the app's port listens on a wildcard address",
        rationale: """
            Read from /proc/net/tcp and tcp6: something listens on the app's port on `0.0.0.0` or \
            `::`, so every interface of this host accepts connections that never went through the \
            proxy. Not reported for direct serving (`proxy.kind: none` with `app.allow_public`).
            """,
        bad: "$ ss -ltn 'sport = :8000'\nLISTEN 0 4096 0.0.0.0:8000 0.0.0.0:*",
        good: "$ ss -ltn 'sport = :8000'\nLISTEN 0 4096 127.0.0.1:8000 0.0.0.0:*"
    )

    /// GR081.
    public static let liveExposedListener = Rule(
        id: .liveExposedListener,
        severity: .error,
        scope: .live,
        title: "the app's port listens on a non-loopback address",
        rationale: """
            A listener on the app's port at an address other hosts can reach (not loopback, not \
            one of `app.hosts.addresses`) lets clients bypass the proxy.
            """,
        bad: "$ ss -ltn 'sport = :8000'\nLISTEN 0 4096 192.0.2.10:8000 0.0.0.0:*",
        good: "$ ss -ltn 'sport = :8000'\nLISTEN 0 4096 127.0.0.1:8000 0.0.0.0:*"
    )

    /// GR082.
    public static let liveNotListening = Rule(
        id: .liveNotListening,
        severity: .warning,
        scope: .live,
        title: "nothing listens where the app should",
        rationale: """
            No socket listens on the address the spec gives the app (and the proxy connects to): \
            the app is not running, or listens somewhere else, and the proxy answers 502.
            """,
        bad: "# greenroom.yml: app.listen 127.0.0.1:8000\n$ ss -ltn 'sport = :8000'\n(nothing)",
        good: "$ ss -ltn 'sport = :8000'\nLISTEN 0 4096 127.0.0.1:8000 0.0.0.0:*"
    )

    /// GR083.
    public static let liveRootProcess = Rule(
        id: .liveRootProcess,
        severity: .error,
        scope: .live,
        title: "the app process runs as root",
        rationale: """
            The process that owns the app's listening socket (found through /proc/*/fd) has \
            effective uid 0: any bug in it owns the machine. A warning when only the socket's \
            creator is known (run the check as root to see every process).
            """,
        bad: "$ ps -o user,pid,cmd -p $(pgrep -f 'greenroom serve')\nroot 812 greenroom serve",
        good: "greenroom 812 greenroom serve   # User=greenroom in the unit"
    )

    /// GR084.
    public static let liveBypassReachable = Rule(
        id: .liveBypassReachable,
        severity: .error,
        scope: .live,
        title: "the app's port accepts connections on a non-loopback address",
        rationale: """
            A TCP connection from this host to the app's port on one of its own non-loopback \
            addresses (from getifaddrs) succeeded: other hosts can most likely connect the same \
            way and skip the proxy. For app hosts behind a balancer this host is not a balancer, \
            so the unit's IPAddressAllow should have refused it.
            """,
        bad: "$ curl http://192.0.2.10:8000/\nHello, World!",
        good: "$ curl http://192.0.2.10:8000/\ncurl: (7) Failed to connect to 192.0.2.10 port 8000: Connection refused"
    )

    /// GR085.
    public static let liveSocketWorldWritable = Rule(
        id: .liveSocketWorldWritable,
        severity: .error,
        scope: .live,
        title: "the app's unix socket is writable by every local user",
        rationale: """
            Connecting to a unix socket needs write permission on it. A socket with mode 0666 or \
            0777 lets every local user talk to the app without the proxy, and the app trusts \
            `unix` peers, so any of them chooses their own client address.
            """,
        bad: "$ ls -l /run/app/app.sock\nsrwxrwxrwx 1 app www-data 0 /run/app/app.sock",
        good: "$ ls -l /run/app/app.sock\nsrw-rw---- 1 app www-data 0 /run/app/app.sock"
    )

    /// GR086.
    public static let liveSocketGroup = Rule(
        id: .liveSocketGroup,
        severity: .warning,
        scope: .live,
        title: "the app's unix socket is not limited to the proxy's group",
        rationale: """
            With mode 0660 the socket's group decides who may connect besides the app. It should \
            be the proxy's group (`www-data` for nginx and httpd, `haproxy`, or `systemd.group`): \
            another group's members can bypass the proxy, and without group write permission the \
            proxy itself cannot connect (502 for every request).
            """,
        bad: "srw-rw---- 1 app users 0 /run/app/app.sock",
        good: "srw-rw---- 1 app www-data 0 /run/app/app.sock"
    )

    /// GR090.
    public static let liveAddressInUse = Rule(
        id: .liveAddressInUse,
        severity: .error,
        scope: .live,
        title: "another process listens on the app's address",
        rationale: """
            At `greenroom serve` start-up: something already listens on the port or socket the \
            app is about to take (an old instance, another service). With `greenroom check --live`, \
            a warning when several processes listen on the app's port at once (SO_REUSEPORT).
            """,
        bad: "$ ss -ltnp 'sport = :8000'\nLISTEN 127.0.0.1:8000 users:((\"python3\",pid=901))",
        good: "$ ss -ltnp 'sport = :8000'\n(nothing until greenroom serve starts)"
    )

    /// GR091.
    public static let liveIncomplete = Rule(
        id: .liveIncomplete,
        severity: .info,
        scope: .live,
        title: "part of the live check could not run",
        rationale: """
            /proc/net could not be read, or the processes owning sockets could not be seen \
            (other users' /proc/*/fd needs root): the rules that needed it were not checked.
            """,
        bad: "$ greenroom check --live   # as an unprivileged user",
        good: "$ sudo greenroom check --live"
    )

    /// GR092.
    public static let liveAddressNotLocal = Rule(
        id: .liveAddressNotLocal,
        severity: .warning,
        scope: .live,
        title: "the app's address is not an address of this host",
        rationale: """
            The app binds a specific address (`app.hosts.addresses`, `--host`) that no interface \
            of this host has: binding fails, or the check runs on the wrong machine. An error at \
            `greenroom serve` start-up.
            """,
        bad: "app:\n  hosts: {addresses: [10.0.0.11], balancers: [10.0.0.2]}\n# this host: 10.0.0.12",
        good: "app:\n  hosts: {addresses: [10.0.0.11, 10.0.0.12], balancers: [10.0.0.2]}"
    )
}
