extension Rule {
    /// GR020.
    public static let nginxTargetMismatch = Rule(
        id: "GR020", severity: .error, scope: .nginx,
        title: "proxy_pass does not reach the app",
        rationale: """
            No proxy_pass (directly or through an upstream block) connects to the address the app \
            listens on, or one connects to the app's port on a different host or socket: requests \
            fail with 502, or reach another service.
            """,
        bad: "# app: 127.0.0.1:8000\nlocation / { proxy_pass http://127.0.0.1:8080; }",
        good: "location / { proxy_pass http://127.0.0.1:8000; }")

    /// GR021.
    public static let nginxLocalhostTarget = Rule(
        id: "GR021", severity: .warning, scope: .nginx,
        title: "proxy_pass to localhost while the app listens on one loopback family",
        rationale: """
            nginx resolves `localhost` once, to 127.0.0.1 and ::1, and tries both. An app bound \
            to only one of them refuses half the attempts: error-log noise, retries, latency.
            """,
        bad: "# app: 127.0.0.1:8000\nproxy_pass http://localhost:8000;",
        good: "proxy_pass http://127.0.0.1:8000;")

    /// GR022.
    public static let nginxClientForwardingHeader = Rule(
        id: "GR022", severity: .error, scope: .nginx,
        title: "client-sent forwarding header reaches the app",
        rationale: """
            nginx passes every request header it does not override. A forwarding header the app \
            believes (because it comes from the trusted proxy) but that nginx neither sets nor \
            clears arrives exactly as the client wrote it, so the client chooses its own address, \
            scheme or host.
            """,
        bad: "location / {\n    proxy_pass http://127.0.0.1:8000;\n    proxy_set_header X-Forwarded-For $remote_addr;\n}",
        good: """
            location / {
                proxy_pass http://127.0.0.1:8000;
                proxy_set_header X-Forwarded-For $remote_addr;
                proxy_set_header X-Forwarded-Proto $scheme;
                proxy_set_header X-Forwarded-Host $host;
                proxy_set_header X-Forwarded-Port $server_port;
                proxy_set_header X-Forwarded-Prefix "";
                proxy_set_header Forwarded "";
            }
            """)

    /// GR023.
    public static let nginxAppendedForwardedFor = Rule(
        id: "GR023", severity: .warning, scope: .nginx,
        title: "X-Forwarded-For appended to the client's at the edge",
        rationale: """
            `$proxy_add_x_forwarded_for` keeps whatever X-Forwarded-For the client sent and \
            appends the real address. Only a consumer that walks from the right with an exact \
            trust set gets the right client; anything reading the leftmost entry, counting more \
            than one hop, or trusting addresses clients can have, is fooled. Error when the app \
            counts two or more hops; info when it trusts only this host.
            """,
        bad: "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        good: "proxy_set_header X-Forwarded-For $remote_addr;")

    /// GR024.
    public static let nginxForwardingMissing = Rule(
        id: "GR024", severity: .warning, scope: .nginx,
        title: "client address, scheme or host not forwarded",
        rationale: """
            The app trusts forwarding headers but nginx sends none carrying the client's address \
            (every client looks like the proxy), no X-Forwarded-Proto behind TLS (the app builds \
            http:// links and insecure cookies), or neither Host nor X-Forwarded-Host (the app \
            sees the upstream's name).
            """,
        bad: "server {\n    listen 443 ssl;\n    location / { proxy_pass http://127.0.0.1:8000; }\n}",
        good: """
            server {
                listen 443 ssl;
                location / {
                    proxy_pass http://127.0.0.1:8000;
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-For $remote_addr;
                    proxy_set_header X-Forwarded-Proto $scheme;
                }
            }
            """)

    /// GR025.
    public static let nginxHostFromClient = Rule(
        id: "GR025", severity: .warning, scope: .nginx,
        title: "Host forwarded from $http_host",
        rationale: """
            `$http_host` is the Host header exactly as the client sent it: any value, any port, \
            even empty, and not the host nginx selected the server by. `$host` is normalised \
            (lower case, no port, falls back to server_name).
            """,
        bad: "proxy_set_header Host $http_host;",
        good: "proxy_set_header Host $host;")

    /// GR026.
    public static let nginxRealIPTooBroad = Rule(
        id: "GR026", severity: .error, scope: .nginx,
        title: "set_real_ip_from trusts too much",
        rationale: """
            realip replaces $remote_addr with a header value when the connection comes from a \
            listed address. Listing everything (0.0.0.0/0, ::/0) or huge blocks lets any client \
            choose the address nginx logs, rate-limits and forwards. Warning for a large public \
            block or one the deployment does not list as an outer proxy.
            """,
        bad: "set_real_ip_from 0.0.0.0/0;\nreal_ip_header X-Forwarded-For;",
        good: "set_real_ip_from 10.0.0.10;  # the load balancer\nreal_ip_header X-Forwarded-For;\nreal_ip_recursive on;")

    /// GR027.
    public static let nginxRealIPMisuse = Rule(
        id: "GR027", severity: .warning, scope: .nginx,
        title: "realip configured so that it picks the wrong address",
        rationale: """
            `real_ip_header` without any `set_real_ip_from` never applies; with X-Forwarded-For \
            and several trusted blocks (CDN + load balancer) but `real_ip_recursive off`, nginx \
            takes the rightmost entry, which is the nearer proxy rather than the client.
            """,
        bad: "set_real_ip_from 192.0.2.0/24;  # CDN\nset_real_ip_from 10.0.0.10;     # LB\nreal_ip_header X-Forwarded-For;",
        good: "set_real_ip_from 192.0.2.0/24;\nset_real_ip_from 10.0.0.10;\nreal_ip_header X-Forwarded-For;\nreal_ip_recursive on;")

    /// GR028.
    public static let nginxHeaderSplitting = Rule(
        id: "GR028", severity: .error, scope: .nginx,
        title: "decoded URI in a header or upstream request (HTTP splitting)",
        rationale: """
            `$uri`, `$document_uri`, `$request_filename` and regex captures that can match a \
            newline hold the *decoded* path: `/%0d%0aSet-Cookie:...` becomes a line break, and in \
            `add_header`, `return`, `rewrite`, `proxy_set_header` or `proxy_pass` it injects \
            headers or a second request. `$request_uri` stays encoded.
            """,
        bad: "return 301 https://$host$uri;",
        good: "return 301 https://$host$request_uri;")

    /// GR029.
    public static let nginxAddHeaderDropped = Rule(
        id: "GR029", severity: .warning, scope: .nginx,
        title: "add_header in a nested block drops the outer headers",
        rationale: """
            `add_header` is inherited only by blocks that have no `add_header` of their own. One \
            `add_header` in a location silently removes every header set in the server or http \
            block, often HSTS, CSP or X-Content-Type-Options.
            """,
        bad: "server {\n    add_header Strict-Transport-Security \"max-age=63072000\" always;\n    location /api/ { add_header Cache-Control no-store; }\n}",
        good: """
            server {
                add_header Strict-Transport-Security "max-age=63072000" always;
                location /api/ {
                    add_header Strict-Transport-Security "max-age=63072000" always;
                    add_header Cache-Control no-store;
                }
            }
            """)

    /// GR030.
    public static let nginxProxyHeaderDropped = Rule(
        id: "GR030", severity: .warning, scope: .nginx,
        title: "proxy_set_header in a nested block drops the outer ones",
        rationale: """
            `proxy_set_header` is inherited only by blocks that set none themselves. Setting \
            Upgrade in a WebSocket location silently drops the server's X-Forwarded-For, \
            X-Forwarded-Proto and Host, so the app sees nginx as the client.
            """,
        bad: "server {\n    proxy_set_header X-Forwarded-For $remote_addr;\n    location /ws { proxy_set_header Upgrade $http_upgrade; proxy_pass http://app; }\n}",
        good: "server {\n    include snippets/forwarding.conf;\n    location /ws {\n        include snippets/forwarding.conf;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_pass http://app;\n    }\n}")

    /// GR031.
    public static let nginxKeepaliveUnused = Rule(
        id: "GR031", severity: .warning, scope: .nginx,
        title: "upstream keepalive without HTTP/1.1 and an empty Connection header",
        rationale: """
            nginx speaks HTTP/1.0 to upstreams and sends `Connection: close` unless told \
            otherwise, so `keepalive` in the upstream keeps nothing alive: every request opens a \
            new connection to the app.
            """,
        bad: "upstream app { server 127.0.0.1:8000; keepalive 256; }\nlocation / { proxy_pass http://app; }",
        good: "location / {\n    proxy_pass http://app;\n    proxy_http_version 1.1;\n    proxy_set_header Connection \"\";\n}")

    /// GR032.
    public static let nginxWebSocketHeaders = Rule(
        id: "GR032", severity: .warning, scope: .nginx,
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
            """)

    /// GR033.
    public static let nginxProxyProtocolMissing = Rule(
        id: "GR033", severity: .error, scope: .nginx,
        title: "the app expects PROXY protocol but nginx does not send it",
        rationale: """
            An app that requires a PROXY protocol header closes connections without one. nginx's \
            http proxy cannot send it at all; only the stream module can, with `proxy_protocol on`.
            """,
        bad: "stream {\n    server { listen 443; proxy_pass 127.0.0.1:8000; }\n}",
        good: "stream {\n    server { listen 443; proxy_pass 127.0.0.1:8000; proxy_protocol on; }\n}")

    /// GR034.
    public static let nginxProxyProtocolUnexpected = Rule(
        id: "GR034", severity: .error, scope: .nginx,
        title: "nginx sends PROXY protocol the app does not expect",
        rationale: """
            With `proxy_protocol on` every connection starts with `PROXY TCP4 ...`, which an app \
            not expecting it reads as a malformed request.
            """,
        bad: "# app: proxy_protocol off\nstream { server { listen 443; proxy_pass 127.0.0.1:8000; proxy_protocol on; } }",
        good: "# app: proxy_protocol required (greenroom serve --proxy-protocol required)")

    /// GR035.
    public static let nginxWildcardTarget = Rule(
        id: "GR035", severity: .error, scope: .nginx,
        title: "proxy_pass to a wildcard address",
        rationale: """
            0.0.0.0 and [::] are bind addresses meaning 'every interface', not destinations. \
            Linux quietly connects them to this host, which hides that the app must be listening \
            on every interface, reachable without the proxy.
            """,
        bad: "proxy_pass http://0.0.0.0:8000;",
        good: "proxy_pass http://127.0.0.1:8000;")

    /// GR036.
    public static let nginxVariableTarget = Rule(
        id: "GR036", severity: .warning, scope: .nginx,
        title: "proxy_pass target built from variables",
        rationale: """
            A target host taken from request data ($host, $http_*, $arg_*, regex captures) lets \
            clients make nginx connect anywhere (SSRF): error. Other variables only make the \
            target impossible to check: warning.
            """,
        bad: "location ~ ^/proxy/(.+)$ { proxy_pass http://$1; }",
        good: "location /proxy/ { proxy_pass http://127.0.0.1:8000; }")

    /// GR037.
    public static let nginxProxyNotTrusted = Rule(
        id: "GR037", severity: .warning, scope: .nginx,
        title: "the app does not trust the address nginx connects from",
        rationale: """
            The app believes forwarding headers only from its trust set. If nginx connects from \
            127.0.0.1 (or over a unix socket) and that is not trusted, every header is ignored and \
            every client appears to be nginx.
            """,
        bad: "# app: trust 10.0.0.0/8\nproxy_pass http://127.0.0.1:8000;",
        good: "# app: trust loopback\nproxy_pass http://127.0.0.1:8000;")

    /// GR038.
    public static let nginxUpstreamMissingInstance = Rule(
        id: "GR038", severity: .info, scope: .nginx,
        title: "upstream does not list every app instance",
        rationale: """
            The app runs several instances but the upstream that reaches it lists only some: the \
            others get no traffic.
            """,
        bad: "# app instances: 127.0.0.1:8000, 127.0.0.1:8001\nupstream app { server 127.0.0.1:8000; }",
        good: "upstream app { server 127.0.0.1:8000; server 127.0.0.1:8001; }")

    /// Every nginx rule, by id.
    public static let nginxRules: [Rule] = [
        .nginxTargetMismatch, .nginxLocalhostTarget, .nginxClientForwardingHeader, .nginxAppendedForwardedFor,
        .nginxForwardingMissing, .nginxHostFromClient, .nginxRealIPTooBroad, .nginxRealIPMisuse,
        .nginxHeaderSplitting, .nginxAddHeaderDropped, .nginxProxyHeaderDropped, .nginxKeepaliveUnused,
        .nginxWebSocketHeaders, .nginxProxyProtocolMissing, .nginxProxyProtocolUnexpected, .nginxWildcardTarget,
        .nginxVariableTarget, .nginxProxyNotTrusted, .nginxUpstreamMissingInstance,
    ]
}
