import GreenroomCore

extension Rule {
    /// GR028.
    public static let nginxHeaderSplitting = Rule(
        id: .nginxHeaderSplitting,
        severity: .error,
        scope: .nginx,
        title: "decoded URI in a header or upstream request (HTTP splitting)",
        rationale: """
            `$uri`, `$document_uri`, `$request_filename` and regex captures that can match a \
            newline hold the *decoded* path: `/%0d%0aSet-Cookie:...` becomes a line break, and in \
            `add_header`, `return`, `rewrite`, `proxy_set_header` or `proxy_pass` it injects \
            headers or a second request. `$request_uri` stays encoded.
            """,
        bad: "return 301 https://$host$uri;",
        good: "return 301 https://$host$request_uri;"
    )

    /// GR029.
    public static let nginxAddHeaderDropped = Rule(
        id: .nginxAddHeaderDropped,
        severity: .warning,
        scope: .nginx,
        title: "add_header in a nested block drops the outer headers",
        rationale: """
            `add_header` is inherited only by blocks that have no `add_header` of their own. One \
            `add_header` in a location silently removes every header set in the server or http \
            block, often HSTS, CSP or X-Content-Type-Options.
            """,
        bad:
            "server {\n    add_header Strict-Transport-Security \"max-age=63072000\" always;\n    location /api/ { add_header Cache-Control no-store; }\n}",
        good: """
            server {
                add_header Strict-Transport-Security "max-age=63072000" always;
                location /api/ {
                    add_header Strict-Transport-Security "max-age=63072000" always;
                    add_header Cache-Control no-store;
                }
            }
            """
    )

    /// GR030.
    public static let nginxProxyHeaderDropped = Rule(
        id: .nginxProxyHeaderDropped,
        severity: .warning,
        scope: .nginx,
        title: "proxy_set_header in a nested block drops the outer ones",
        rationale: """
            `proxy_set_header` is inherited only by blocks that set none themselves. Setting \
            Upgrade in a WebSocket location silently drops the server's X-Forwarded-For, \
            X-Forwarded-Proto and Host, so the app sees nginx as the client.
            """,
        bad:
            "server {\n    proxy_set_header X-Forwarded-For $remote_addr;\n    location /ws { proxy_set_header Upgrade $http_upgrade; proxy_pass http://app; }\n}",
        good:
            "server {\n    include snippets/forwarding.conf;\n    location /ws {\n        include snippets/forwarding.conf;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_pass http://app;\n    }\n}"
    )

    /// GR031.
    public static let nginxKeepaliveUnused = Rule(
        id: .nginxKeepaliveUnused,
        severity: .warning,
        scope: .nginx,
        title: "upstream keepalive without HTTP/1.1 and an empty Connection header",
        rationale: """
            nginx speaks HTTP/1.0 to upstreams and sends `Connection: close` unless told \
            otherwise, so `keepalive` in the upstream keeps nothing alive: every request opens a \
            new connection to the app.
            """,
        bad: "upstream app { server 127.0.0.1:8000; keepalive 256; }\nlocation / { proxy_pass http://app; }",
        good:
            "location / {\n    proxy_pass http://app;\n    proxy_http_version 1.1;\n    proxy_set_header Connection \"\";\n}"
    )

    /// GR032.
    public static let nginxWebSocketHeaders = Rule(
        id: .nginxWebSocketHeaders,
        severity: .warning,
        scope: .nginx,
        title: "WebSocket path proxied without Upgrade and Connection",
        rationale: """
            Upgrade and Connection are hop-by-hop headers that nginx does not pass on by itself; \
            without them (and HTTP/1.1) the WebSocket handshake never reaches the app.
            """,
        bad: "location /ws { proxy_pass http://app; }",
        good: """
            location /ws {
                proxy_pass http://app;
                proxy_http_version 1.1;
                proxy_set_header Upgrade $http_upgrade;
                proxy_set_header Connection $connection_upgrade;
            }
            """
    )

    /// GR033.
    public static let nginxProxyProtocolMissing = Rule(
        id: .nginxProxyProtocolMissing,
        severity: .error,
        scope: .nginx,
        title: "the app expects PROXY protocol but nginx does not send it",
        rationale: """
            An app that requires a PROXY protocol header closes connections without one. nginx's \
            http proxy cannot send it at all; only the stream module can, with `proxy_protocol on`.
            """,
        bad: "stream {\n    server { listen 443; proxy_pass 127.0.0.1:8000; }\n}",
        good: "stream {\n    server { listen 443; proxy_pass 127.0.0.1:8000; proxy_protocol on; }\n}"
    )

    /// GR034.
    public static let nginxProxyProtocolUnexpected = Rule(
        id: .nginxProxyProtocolUnexpected,
        severity: .error,
        scope: .nginx,
        title: "nginx sends PROXY protocol the app does not expect",
        rationale: """
            With `proxy_protocol on` every connection starts with `PROXY TCP4 ...`, which an app \
            not expecting it reads as a malformed request.
            """,
        bad:
            "# app: proxy_protocol off\nstream { server { listen 443; proxy_pass 127.0.0.1:8000; proxy_protocol on; } }",
        good: "# app: proxy_protocol required (greenroom serve --proxy-protocol required)"
    )

    /// GR035.
    public static let nginxWildcardTarget = Rule(
        id: .nginxWildcardTarget,
        severity: .error,
        scope: .nginx,
        title: "proxy_pass to a wildcard address",
        rationale: """
            0.0.0.0 and [::] are bind addresses meaning 'every interface', not destinations. \
            Linux quietly connects them to this host, which hides that the app must be listening \
            on every interface, reachable without the proxy.
            """,
        bad: "proxy_pass http://0.0.0.0:8000;",
        good: "proxy_pass http://127.0.0.1:8000;"
    )

    /// GR036.
    public static let nginxVariableTarget = Rule(
        id: .nginxVariableTarget,
        severity: .warning,
        scope: .nginx,
        title: "proxy_pass target built from variables",
        rationale: """
            A target host taken from request data ($host, $http_*, $arg_*, regex captures) lets \
            clients make nginx connect anywhere (SSRF): error. Other variables only make the \
            target impossible to check: warning.
            """,
        bad: "location ~ ^/proxy/(.+)$ { proxy_pass http://$1; }",
        good: "location /proxy/ { proxy_pass http://127.0.0.1:8000; }"
    )

    /// GR037.
    public static let nginxProxyNotTrusted = Rule(
        id: .nginxProxyNotTrusted,
        severity: .warning,
        scope: .nginx,
        title: "the app does not trust the address nginx connects from",
        rationale: """
            The app believes forwarding headers only from its trust set. If nginx connects from \
            127.0.0.1 (or over a unix socket) and that is not trusted, every header is ignored and \
            every client appears to be nginx.
            """,
        bad: "# app: trust 10.0.0.0/8\nproxy_pass http://127.0.0.1:8000;",
        good: "# app: trust loopback\nproxy_pass http://127.0.0.1:8000;"
    )

    /// GR038.
    public static let nginxUpstreamMissingInstance = Rule(
        id: .nginxUpstreamMissingInstance,
        severity: .info,
        scope: .nginx,
        title: "upstream does not list every app instance",
        rationale: """
            The app runs several instances but the upstream that reaches it lists only some: the \
            others get no traffic.
            """,
        bad: "# app instances: 127.0.0.1:8000, 127.0.0.1:8001\nupstream app { server 127.0.0.1:8000; }",
        good: "upstream app { server 127.0.0.1:8000; server 127.0.0.1:8001; }"
    )

    /// Every nginx rule, by id.
    public static let nginxRules: [Rule] = [
        .nginxTargetMismatch, .nginxLocalhostTarget, .nginxClientForwardingHeader, .nginxAppendedForwardedFor,
        .nginxForwardingMissing, .nginxHostFromClient, .nginxRealIPTooBroad, .nginxRealIPMisuse,
        .nginxHeaderSplitting, .nginxAddHeaderDropped, .nginxProxyHeaderDropped, .nginxKeepaliveUnused,
        .nginxWebSocketHeaders, .nginxProxyProtocolMissing, .nginxProxyProtocolUnexpected, .nginxWildcardTarget,
        .nginxVariableTarget, .nginxProxyNotTrusted, .nginxUpstreamMissingInstance,
    ]
}
