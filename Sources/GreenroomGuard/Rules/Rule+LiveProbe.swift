import GreenroomCore

extension Rule {
    /// GR087.
    public static let probeForgeryBelieved = Rule(
        id: .probeForgeryBelieved,
        severity: .error,
        scope: .live,
        title: "probe: the app believed forged forwarding headers",
        rationale: """
            `--probe-url` sends requests through the proxy, each with one family of headers a \
            client would forge (`X-Forwarded-For: 198.51.100.66`; `Forwarded: for=198.51.100.77`; \
            `X-Real-IP: 198.51.100.88` and the CDN headers; the opposite X-Forwarded-Proto with \
            `X-Forwarded-Host: forged.greenroom.invalid`; a `Host` ending in \
            `,for=198.51.100.55`), and reads `/whoami` each time: one family per request, since an \
            app that reads several falls back to the peer when they disagree. For every forged \
            value the app reports, the \
            proxy passed the client's header on (`$http_x_forwarded_for`, \
            `$proxy_add_x_forwarded_for` from a trusted client, no `proxy_set_header`) and anyone \
            who can reach the proxy chooses their address, scheme or host.
            """,
        bad: "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        good: "proxy_set_header X-Forwarded-For $remote_addr;"
    )

    /// GR088.
    public static let probeReport = Rule(
        id: .probeReport,
        severity: .info,
        scope: .live,
        title: "probe: what the app saw",
        rationale: """
            The client address, provenance (`via`), scheme and host the app reported for the \
            probe request, so a clean probe still shows what the app believes.
            """,
        bad: "probe: app saw client 198.51.100.66 via x-forwarded-for, scheme http, host forged.greenroom.invalid",
        good: "probe: app saw client 127.0.0.1 via x-forwarded-for, scheme https, host localhost"
    )

    /// GR089.
    public static let probeFailed = Rule(
        id: .probeFailed,
        severity: .warning,
        scope: .live,
        title: "probe could not read /whoami",
        rationale: """
            The probe request failed (connection refused, TLS error, timeout), or the answer was \
            not `/whoami`'s JSON (another app, a proxy error page): the forged-header check did \
            not run. Give the proxy's URL in front of a Greenroom app, e.g. \
            `--probe-url https://localhost/`.
            """,
        bad: "$ greenroom check --probe-url http://localhost:9999/\n(connection refused)",
        good: "$ greenroom check --probe-url https://localhost/"
    )

    /// Every live rule, by id.
    public static let liveRules: [Rule] = [
        .liveWildcardListener, .liveExposedListener, .liveNotListening, .liveRootProcess, .liveBypassReachable,
        .liveSocketWorldWritable, .liveSocketGroup, .probeForgeryBelieved, .probeReport, .probeFailed,
        .liveAddressInUse, .liveIncomplete, .liveAddressNotLocal,
    ]
}
