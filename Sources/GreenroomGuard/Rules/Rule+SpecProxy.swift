import GreenroomCore

/// The spec rules about what the proxy sends and how the app runs behind it.
extension Rule {
    /// GR008.
    public static let specProxyProtocol = Rule(
        id: .specProxyProtocol,
        severity: .error,
        scope: .spec,
        title: "PROXY protocol expected but not sent, or sent but not expected",
        rationale: """
            `app.proxy_protocol` says what the proxy sends, and the app then requires it. If the \
            proxy cannot send it (Apache httpd, no proxy, nginx with v2), every connection is \
            closed; if `app.exec` overrides the app's `--proxy-protocol` against the spec, either \
            every request fails or the PROXY line reaches the app as garbage. For real proxy files \
            GR033, GR034 and GR058 check the same.
            """,
        bad: "app:\n  proxy_protocol: v1\nproxy:\n  kind: apache",
        good: "app:\n  proxy_protocol: off   # httpd sends X-Forwarded-For\nproxy:\n  kind: apache"
    )

    /// GR009.
    public static let specSchemeLost = Rule(
        id: .specSchemeLost,
        severity: .error,
        scope: .spec,
        title: "TLS at the proxy, but the app cannot learn the scheme",
        rationale: """
            When TLS ends at the proxy the app only knows the request was HTTPS from \
            X-Forwarded-Proto (or `proto=` in Forwarded). nginx's stream proxy, used for the PROXY \
            protocol, sends no headers and PROXY v1 carries no TLS information, so the app builds \
            `http://` links and redirects and sets cookies without `Secure`. Info when `app.exec` \
            is not Greenroom's server: make sure that app reads X-Forwarded-Proto from the proxy.
            """,
        bad:
            "app:\n  proxy_protocol: v1\nproxy:\n  kind: nginx\n  tls: {certificate: /etc/ssl/app.pem, key: /etc/ssl/app.key}",
        good:
            "app:\n  proxy_protocol: off   # nginx sets X-Forwarded-Proto $scheme\nproxy:\n  kind: nginx\n  tls: {certificate: /etc/ssl/app.pem, key: /etc/ssl/app.key}"
    )

    /// GR011.
    public static let specProxyCannot = Rule(
        id: .specProxyCannot,
        severity: .error,
        scope: .spec,
        title: "the proxy cannot do what the spec asks",
        rationale: """
            Some settings have no equivalent in the configured proxy: nginx's stream module (used \
            for the PROXY protocol) cannot serve files or limit request rates, HAProxy cannot serve \
            files, stock httpd has no per-client rate limit. A generated file would silently drop \
            the setting, so generating refuses it.
            """,
        bad: "proxy:\n  kind: haproxy\n  static_files: [{path: /static/, directory: /srv/app/static}]",
        good: "proxy:\n  kind: nginx\n  static_files: [{path: /static/, directory: /srv/app/static}]"
    )

    /// GR012.
    public static let specSandbox = Rule(
        id: .specSandbox,
        severity: .warning,
        scope: .spec,
        title: "systemd sandbox weakened",
        rationale: """
            The generated unit's sandbox (`IPAddressDeny=any`, `ProtectSystem=strict`, \
            `SocketBindAllow=`) is the second line of defence: it keeps the app unreachable from \
            other hosts even if it binds a wildcard by mistake, and stops it reaching anything but \
            `app.outbound`. Turning it off is a warning, and so is undoing `ProtectSystem=strict` \
            through `systemd.read_write_paths`: a system directory or anything inside it (`/etc`, \
            `/usr`, `/boot`, `/efi`, `/root`, `/proc`, `/sys`, `/dev`, `/bin`, `/sbin`, `/lib*`), \
            or a directory every service shares, whole (`/`, `/var`, `/var/lib`, `/var/log`, \
            `/var/cache`, `/var/spool`, `/run`, `/srv`, `/opt`, `/home`, `/mnt`, `/media`). \
            Opening `app.outbound` to everyone opens the unit's address filter inbound too, an error.
            """,
        bad: "systemd:\n  hardening: false",
        good: "systemd:\n  hardening: true\n  read_write_paths: [/var/lib/app/uploads]   # exceptions instead"
    )

    /// GR013.
    public static let specHopsTooMany = Rule(
        id: .specHopsTooMany,
        severity: .warning,
        scope: .spec,
        title: "hops counts more proxies than the deployment has",
        rationale: """
            With `app.hops: N` the app takes the N-th X-Forwarded-For entry from the right instead \
            of walking its trust list. The generated proxy writes exactly one entry (two proxies \
            with `proxy.real_ip`); a larger N reads an entry nobody trusted wrote, which a client \
            controls as soon as any proxy appends instead of replacing.
            """,
        bad: "app:\n  hops: 2\nproxy:\n  kind: nginx",
        good: "app:\n  hops: 1   # or leave it out and walk the trust list"
    )

    /// GR014.
    public static let specExecOverrides = Rule(
        id: .specExecOverrides,
        severity: .error,
        scope: .spec,
        title: "app.exec flags contradict the spec",
        rationale: """
            `greenroom serve` flags win over the spec it reads, but the proxy and the unit are \
            generated from the spec. A `--port`, `--unix`, `--host` or `--trust` in `app.exec` that \
            says something else makes the proxy connect where the app is not, or the app trust \
            peers the proxy configuration was not written for.
            """,
        bad: "app:\n  listen: {host: 127.0.0.1, port: 8000}\n  exec: greenroom serve --port 9000",
        good:
            "app:\n  listen: {host: 127.0.0.1, port: 9000}\n  exec: greenroom serve --config /etc/greenroom/greenroom.yml"
    )

    /// GR019.
    public static let specOther = Rule(
        id: .specOther,
        severity: .error,
        scope: .spec,
        title: "deployment spec problem",
        rationale: """
            Every other problem the spec loader refuses: settings that contradict each other \
            (HTTPS listeners without TLS, a proxy listening on the app's port, upstream keep-alive \
            that uses up the app's connections, overlapping paths), port 0, missing values. \
            `greenroom generate` and `greenroom serve --config` refuse such a spec.
            """,
        bad: "app:\n  limits: {max_connections: 100}\nproxy:\n  upstream_keepalive: 256",
        good: "app:\n  limits: {max_connections: 4096}\nproxy:\n  upstream_keepalive: 256"
    )

    /// The proxy and runtime rules.
    public static let specProxyRules: [Rule] = [
        .specProxyProtocol, .specSchemeLost, .specProxyCannot, .specSandbox, .specHopsTooMany, .specExecOverrides,
        .specOther,
    ]
}
