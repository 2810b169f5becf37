import GreenroomCore

/// The spec rules about where the app listens and who runs it (the `DeploymentPolicy`'s rules).
extension Rule {
    /// GR001.
    public static let specWildcardBind = Rule(
        id: .specWildcardBind,
        severity: .error,
        scope: .spec,
        title: "app binds a wildcard address behind a proxy",
        rationale: """
            `0.0.0.0`, `::`, `*` or an empty host listen on every interface. With a proxy in \
            front, clients that reach the app's port directly skip the proxy, and because the app \
            trusts forwarding headers from some peers, anyone who can also reach it from such a \
            peer chooses their own address. Also reported when `app.exec` passes `--host 0.0.0.0`.
            """,
        bad: "app:\n  listen: {host: 0.0.0.0, port: 8000}\nproxy:\n  kind: nginx",
        good: "app:\n  listen: {host: 127.0.0.1, port: 8000}   # or unix: /run/app/app.sock\nproxy:\n  kind: nginx"
    )

    /// GR002.
    public static let specPublicBind = Rule(
        id: .specPublicBind,
        severity: .error,
        scope: .spec,
        title: "app reachable from other hosts without a firewall statement",
        rationale: """
            A non-loopback bind lets every host on that network talk to the app directly. Only two \
            deployments say who may: `app.hosts` with its `balancers` (the generated unit's \
            `IPAddressDeny=any` + `IPAddressAllow=` lets only the balancers in, so \
            `systemd.hardening` must stay on), and direct serving with `proxy.kind: none` and \
            `app.allow_public: true`. App hosts must use private addresses (RFC 1918, ULA, `100.64.0.0/10` or link-local), the same ones `greenroom serve` accepts for a remote proxy.
            """,
        bad: "app:\n  listen: {host: 10.0.0.11, port: 8000}\nproxy:\n  kind: nginx",
        good:
            "app:\n  listen: {port: 8000}\n  hosts:\n    addresses: [10.0.0.11]\n    balancers: [10.0.0.2]\nsystemd:\n  hardening: true"
    )

    /// GR005.
    public static let specRootUser = Rule(
        id: .specRootUser,
        severity: .error,
        scope: .spec,
        title: "app runs as root or with an administrators' group",
        rationale: """
            Any bug in an app running as root owns the machine, and `greenroom serve` refuses to \
            start as root. Run it as a system account or a systemd dynamic user. The same holds \
            for its group: `systemd.group: root` (or `0`) is refused like `app.user: root`, and a \
            group that is root in all but name (`sudo`, `wheel`, `admin`, `disk`, `kmem`, \
            `shadow`, `docker`, `lxd`, `libvirt`, `staff`) or reads every log (`adm`, \
            `systemd-journal`) is an error too.
            """,
        bad: "app:\n  user: root\nsystemd:\n  group: docker",
        good: "app:\n  user: greenroom   # or: dynamic"
    )

    /// GR006.
    public static let specPrivilegedPort = Rule(
        id: .specPrivilegedPort,
        severity: .error,
        scope: .spec,
        title: "app listens on a privileged port",
        rationale: """
            Ports below 1024 need root (or a capability the sandbox drops); `greenroom serve` \
            refuses them. The proxy listens on 80 and 443; the app on a high port behind it.
            """,
        bad: "app:\n  listen: {host: 127.0.0.1, port: 80}",
        good: "app:\n  listen: {host: 127.0.0.1, port: 8000}\nproxy:\n  listen: {http: [80]}"
    )

    /// GR093.
    public static let specMetricsNotLoopback = Rule(
        id: .specMetricsNotLoopback,
        severity: .error,
        scope: .spec,
        title: "metrics endpoint on a non-loopback address",
        rationale: """
            `serve --metrics-port` (`app.metrics_port`) serves Prometheus metrics on the app's own \
            host, or on `127.0.0.1` beside a unix socket. They tell whoever reads them the request \
            rates, the trust decisions and the PROXY headers rejected, and the endpoint has no \
            authentication, so it listens on loopback only: a scraper on the same host reads it. \
            An app bound to any other address gets no metrics endpoint; `greenroom serve` refuses \
            to start, and no opt-in lifts this.
            """,
        bad: "app:\n  listen: {host: 10.0.0.11, port: 8000}\n  metrics_port: 9100",
        good: "app:\n  listen: {host: 127.0.0.1, port: 8000}\n  metrics_port: 9100"
    )

    /// The binding rules.
    public static let specBindingRules: [Rule] = [
        .specWildcardBind, .specPublicBind, .specRootUser, .specPrivilegedPort, .specMetricsNotLoopback,
    ]
}
