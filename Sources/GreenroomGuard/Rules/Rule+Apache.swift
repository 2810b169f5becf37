import GreenroomCore

extension Rule {
    /// GR050.
    public static let apacheTargetMismatch = Rule(
        id: .apacheTargetMismatch,
        severity: .error,
        scope: .apache,
        title: "ProxyPass does not reach the app",
        rationale: """
            No ProxyPass, ProxyPassMatch, BalancerMember or [P] rewrite connects to the address \
            the app listens on, or one connects to the app's port on another host or socket.
            """,
        bad: "# app: 127.0.0.1:8000\nProxyPass \"/\" \"http://127.0.0.1:8080/\"",
        good: "ProxyPass \"/\" \"http://127.0.0.1:8000/\""
    )

    /// GR051.
    public static let apacheLocalhostTarget = Rule(
        id: .apacheLocalhostTarget,
        severity: .warning,
        scope: .apache,
        title: "ProxyPass to localhost while the app listens on one loopback family",
        rationale: """
            `localhost` resolves to ::1 as well as 127.0.0.1; mod_proxy may try the address the \
            app does not listen on first, failing or adding latency.
            """,
        bad: "# app: 127.0.0.1:8000\nProxyPass \"/\" \"http://localhost:8000/\"",
        good: "ProxyPass \"/\" \"http://127.0.0.1:8000/\""
    )

    /// GR052.
    public static let apacheClientForwardingHeader = Rule(
        id: .apacheClientForwardingHeader,
        severity: .error,
        scope: .apache,
        title: "client-sent forwarding header reaches the app",
        rationale: """
            mod_proxy_http passes request headers through and only appends to X-Forwarded-For \
            and X-Forwarded-Host. A forwarding header the app believes that httpd neither sets \
            nor unsets (X-Forwarded-Proto, X-Forwarded-Port, X-Forwarded-Prefix, Forwarded) or \
            only appends to (X-Forwarded-Host) carries the client's own value.
            """,
        bad: "<VirtualHost *:443>\n    ProxyPass \"/\" \"http://127.0.0.1:8000/\"\n</VirtualHost>",
        good: """
            <VirtualHost *:443>
                RequestHeader set X-Forwarded-Proto "https"
                RequestHeader set X-Forwarded-Port "443"
                RequestHeader unset X-Forwarded-Host
                RequestHeader unset X-Forwarded-Prefix
                RequestHeader unset Forwarded
                ProxyPass "/" "http://127.0.0.1:8000/"
            </VirtualHost>
            """
    )

    /// GR053.
    public static let apachePreserveHost = Rule(
        id: .apachePreserveHost,
        severity: .warning,
        scope: .apache,
        title: "ProxyPreserveHost is not On",
        rationale: """
            Without `ProxyPreserveHost On` the app receives the backend's name (127.0.0.1:8000) \
            as Host and builds wrong absolute URLs and redirects.
            """,
        bad: "ProxyPass \"/\" \"http://127.0.0.1:8000/\"",
        good: "ProxyPreserveHost On\nProxyPass \"/\" \"http://127.0.0.1:8000/\""
    )

    /// GR054.
    public static let apacheRemoteIPTooBroad = Rule(
        id: .apacheRemoteIPTooBroad,
        severity: .error,
        scope: .apache,
        title: "mod_remoteip trusts too much",
        rationale: """
            RemoteIPTrustedProxy / RemoteIPInternalProxy name the peers whose RemoteIPHeader \
            is believed. Everything (0.0.0.0/0, ::/0) or a huge block lets clients choose their \
            address; warning for a large public block or one not listed as an outer proxy.
            """,
        bad: "RemoteIPHeader X-Forwarded-For\nRemoteIPTrustedProxy 0.0.0.0/0",
        good: "RemoteIPHeader X-Forwarded-For\nRemoteIPInternalProxy 10.0.0.10"
    )

    /// GR055.
    public static let apacheWildcardTarget = Rule(
        id: .apacheWildcardTarget,
        severity: .error,
        scope: .apache,
        title: "ProxyPass to a wildcard address",
        rationale: """
            0.0.0.0 and [::] are bind addresses, not destinations; Linux quietly connects them to \
            this host, which hides that the app listens on every interface.
            """,
        bad: "ProxyPass \"/\" \"http://0.0.0.0:8000/\"",
        good: "ProxyPass \"/\" \"http://127.0.0.1:8000/\""
    )

    /// GR056.
    public static let apacheOpenForwardProxy = Rule(
        id: .apacheOpenForwardProxy,
        severity: .error,
        scope: .apache,
        title: "ProxyRequests On (open forward proxy)",
        rationale: """
            `ProxyRequests On` turns httpd into a forward proxy for anyone who can reach it; a \
            reverse proxy never needs it.
            """,
        bad: "ProxyRequests On",
        good: "ProxyRequests Off"
    )

    /// GR057.
    public static let apacheWebSocketUpgrade = Rule(
        id: .apacheWebSocketUpgrade,
        severity: .warning,
        scope: .apache,
        title: "WebSocket path proxied without upgrade",
        rationale: """
            mod_proxy_http only tunnels a WebSocket when the ProxyPass says so \
            (`upgrade=websocket`, httpd 2.4.47+) or targets ws:// through mod_proxy_wstunnel.
            """,
        bad: "ProxyPass \"/ws\" \"http://127.0.0.1:8000/ws\"",
        good: "ProxyPass \"/ws\" \"http://127.0.0.1:8000/ws\" upgrade=websocket"
    )

    /// GR058.
    public static let apacheProxyProtocolUnsupported = Rule(
        id: .apacheProxyProtocolUnsupported,
        severity: .error,
        scope: .apache,
        title: "the app requires PROXY protocol, which httpd cannot send",
        rationale: """
            mod_proxy has no way to send a PROXY protocol header to a backend; an app that \
            requires one closes every connection from httpd.
            """,
        bad: "# app: proxy_protocol required\nProxyPass \"/\" \"http://127.0.0.1:8000/\"",
        good: "# app: proxy_protocol off, client address from X-Forwarded-For"
    )

    /// GR059.
    public static let apacheProxyNotTrusted = Rule(
        id: .apacheProxyNotTrusted,
        severity: .warning,
        scope: .apache,
        title: "the app does not trust the address httpd connects from",
        rationale: """
            If httpd connects from 127.0.0.1 (or over a unix socket) and the app does not trust \
            it, the app ignores every forwarding header and sees httpd as every client.
            """,
        bad: "# app: trust 10.0.0.0/8\nProxyPass \"/\" \"http://127.0.0.1:8000/\"",
        good: "# app: trust loopback"
    )

    /// GR060.
    public static let apacheAddHeadersOff = Rule(
        id: .apacheAddHeadersOff,
        severity: .warning,
        scope: .apache,
        title: "ProxyAddHeaders Off while the app reads X-Forwarded-For",
        rationale: """
            With `ProxyAddHeaders Off` httpd sends no X-Forwarded-For: the app sees httpd as every \
            client (or believes whatever the client sent).
            """,
        bad: "ProxyAddHeaders Off",
        good: "ProxyAddHeaders On"
    )

    /// GR061.
    public static let apacheTrailingSlash = Rule(
        id: .apacheTrailingSlash,
        severity: .warning,
        scope: .apache,
        title: "ProxyPass path and URL disagree on the trailing slash",
        rationale: """
            httpd maps the path onto the URL textually: `ProxyPass /app/ http://b/app` turns \
            /app/x into /appx, and `/app` → `http://b/app/` turns /app/x into /app//x.
            """,
        bad: "ProxyPass \"/app/\" \"http://127.0.0.1:8000/app\"",
        good: "ProxyPass \"/app/\" \"http://127.0.0.1:8000/app/\""
    )

    /// GR062.
    public static let apacheRemoteIPUntrusted = Rule(
        id: .apacheRemoteIPUntrusted,
        severity: .error,
        scope: .apache,
        title: "RemoteIPHeader without any trusted proxy",
        rationale: """
            Without RemoteIPTrustedProxy or RemoteIPInternalProxy, mod_remoteip believes the \
            header from every peer: any client sets its own address.
            """,
        bad: "RemoteIPHeader X-Forwarded-For",
        good: "RemoteIPHeader X-Forwarded-For\nRemoteIPInternalProxy 10.0.0.10"
    )

    /// GR063.
    public static let apacheAppendedForwardedFor = Rule(
        id: .apacheAppendedForwardedFor,
        severity: .warning,
        scope: .apache,
        title: "X-Forwarded-For appended to the client's at the edge",
        rationale: """
            mod_proxy_http appends the client address to any X-Forwarded-For the client sent. \
            Only a right-to-left walk with an exact trust set is safe; counting hops or reading \
            the leftmost entry is fooled. Error when the app counts two or more hops; info when \
            it trusts only this host.
            """,
        bad: "ProxyPass \"/\" \"http://127.0.0.1:8000/\"",
        good: "RequestHeader unset X-Forwarded-For\nProxyPass \"/\" \"http://127.0.0.1:8000/\""
    )

    /// GR064.
    public static let apacheClientChosenTarget = Rule(
        id: .apacheClientChosenTarget,
        severity: .error,
        scope: .apache,
        title: "proxy target host chosen by the client (SSRF)",
        rationale: """
            A RewriteRule [P] or ProxyPassMatch whose scheme or host comes from the request \
            (%{HTTP:...}, %{HTTP_HOST}, %{QUERY_STRING}, a $N or %N capture) lets any client \
            make httpd connect wherever it likes: internal services, cloud metadata, the app's \
            other ports. Captures in the path after the host are fine.
            """,
        bad: "RewriteEngine On\nRewriteRule \"^/(.*)$\" \"http://%{HTTP:X-Target}/$1\" [P]",
        good: "RewriteEngine On\nRewriteRule \"^/(.*)$\" \"http://127.0.0.1:8000/$1\" [P]"
    )

    /// Every Apache rule, by id.
    public static let apacheRules: [Rule] = [
        .apacheTargetMismatch, .apacheLocalhostTarget, .apacheClientForwardingHeader, .apachePreserveHost,
        .apacheRemoteIPTooBroad, .apacheWildcardTarget, .apacheOpenForwardProxy, .apacheWebSocketUpgrade,
        .apacheProxyProtocolUnsupported, .apacheProxyNotTrusted, .apacheAddHeadersOff, .apacheTrailingSlash,
        .apacheRemoteIPUntrusted, .apacheAppendedForwardedFor, .apacheClientChosenTarget,
    ]
}
