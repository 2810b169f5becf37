import GreenroomCore

/// The spec rules about whom the app and the proxy trust.
extension Rule {
    /// GR003.
    public static let specTrustTooBroad = Rule(
        id: .specTrustTooBroad,
        severity: .error,
        scope: .spec,
        title: "trust lets clients choose their own address",
        rationale: """
            The app believes forwarding headers and PROXY headers from every trusted peer. A trust \
            list that matches everyone (`*`, `0.0.0.0/0`, `::/0`), blocks that together cover \
            every address (`0.0.0.0/1` + `128.0.0.0/1`), blocks wider than a /8 (IPv4) or /16 \
            (IPv6), or a range of public addresses lets any client in it forge its address. The \
            same applies to `app.hosts.balancers` (trusted by default) and to `--trust` in \
            `app.exec`.
            """,
        bad: "app:\n  trust: [0.0.0.0/1, 128.0.0.0/1]",
        good: "app:\n  trust: [loopback]"
    )

    /// GR004.
    public static let specTrustBeyondProxy = Rule(
        id: .specTrustBeyondProxy,
        severity: .warning,
        scope: .spec,
        title: "trust wider than where the proxy connects from",
        rationale: """
            A proxy on this host connects from loopback or a unix socket, and a remote balancer \
            from its own addresses: anything else in the trust list (a whole RFC 1918 block such \
            as `10.0.0.0/8`, a subnet, another host) is a peer that could forge client addresses \
            if it ever reaches the app. Error when it makes `greenroom serve` refuse to start \
            (`loopback` or `unix` trusted while app hosts bind a private address).
            """,
        bad: "app:\n  listen: {host: 127.0.0.1, port: 8000}\n  trust: [loopback, 10.0.0.0/8]",
        good: "app:\n  listen: {host: 127.0.0.1, port: 8000}\n  trust: [loopback]"
    )

    /// GR007.
    public static let specProxyNotTrusted = Rule(
        id: .specProxyNotTrusted,
        severity: .error,
        scope: .spec,
        title: "app does not trust where the proxy connects from",
        rationale: """
            The app ignores forwarding information from peers it does not trust. If the proxy \
            connects from loopback, a unix socket or a balancer address that `app.trust` does not \
            list, every client looks like the proxy: rate limits, logs and access rules see one \
            address.
            """,
        bad: "app:\n  listen: {unix: /run/app/app.sock}\n  trust: [loopback]",
        good: "app:\n  listen: {unix: /run/app/app.sock}\n  trust: [unix]"
    )

    /// GR010.
    public static let specRealIPTooBroad = Rule(
        id: .specRealIPTooBroad,
        severity: .error,
        scope: .spec,
        title: "proxy.real_ip trusts too much",
        rationale: """
            `proxy.real_ip.from` names the outer balancers or CDN whose client address the proxy \
            believes (`set_real_ip_from`, `RemoteIPTrustedProxy`). Everything, or a block wider than \
            a /8 (IPv4) or /16 (IPv6), lets any client choose the address the proxy logs, \
            rate-limits and forwards. Warning for a large public block (wider than a /12 or /29).
            """,
        bad: "proxy:\n  real_ip:\n    from: [0.0.0.0/0]\n    header: X-Forwarded-For",
        good: "proxy:\n  real_ip:\n    from: [192.0.2.0/24]   # the CDN's published ranges\n    header: X-Forwarded-For"
    )

    /// The trust rules.
    public static let specTrustRules: [Rule] = [
        .specTrustTooBroad, .specTrustBeyondProxy, .specProxyNotTrusted, .specRealIPTooBroad,
    ]
}
