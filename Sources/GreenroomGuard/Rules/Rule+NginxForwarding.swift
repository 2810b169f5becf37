import GreenroomCore

extension Rule {
    /// GR020.
    public static let nginxTargetMismatch = Rule(
        id: .nginxTargetMismatch,
        severity: .error,
        scope: .nginx,
        title: "proxy_pass does not reach the app",
        rationale: """
            No proxy_pass (directly or through an upstream block) connects to the address the app \
            listens on, or one connects to the app's port on a different host or socket: requests \
            fail with 502, or reach another service.
            """,
        bad: "# app: 127.0.0.1:8000\nlocation / { proxy_pass http://127.0.0.1:8080; }",
        good: "location / { proxy_pass http://127.0.0.1:8000; }"
    )

    /// GR021.
    public static let nginxLocalhostTarget = Rule(
        id: .nginxLocalhostTarget,
        severity: .warning,
        scope: .nginx,
        title: "proxy_pass to localhost while the app listens on one loopback family",
        rationale: """
            nginx resolves `localhost` once, to 127.0.0.1 and ::1, and tries both. An app bound \
            to only one of them refuses half the attempts: error-log noise, retries, latency.
            """,
        bad: "# app: 127.0.0.1:8000\nproxy_pass http://localhost:8000;",
        good: "proxy_pass http://127.0.0.1:8000;"
    )

    /// GR022.
    public static let nginxClientForwardingHeader = Rule(
        id: .nginxClientForwardingHeader,
        severity: .error,
        scope: .nginx,
        title: "client-sent forwarding header reaches the app",
        rationale: """
            nginx passes every request header it does not override. A forwarding header the app \
            believes (because it comes from the trusted proxy) but that nginx neither sets nor \
            clears arrives exactly as the client wrote it, so the client chooses its own address, \
            scheme or host.
            """,
        bad:
            "location / {\n    proxy_pass http://127.0.0.1:8000;\n    proxy_set_header X-Forwarded-For $remote_addr;\n}",
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
            """
    )

    /// GR023.
    public static let nginxAppendedForwardedFor = Rule(
        id: .nginxAppendedForwardedFor,
        severity: .warning,
        scope: .nginx,
        title: "X-Forwarded-For appended to the client's at the edge",
        rationale: """
            `$proxy_add_x_forwarded_for` keeps whatever X-Forwarded-For the client sent and \
            appends the real address. Only a consumer that walks from the right with an exact \
            trust set gets the right client; anything reading the leftmost entry, counting more \
            than one hop, or trusting addresses clients can have, is fooled. Error when the app \
            counts two or more hops; info when it trusts only this host.
            """,
        bad: "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        good: "proxy_set_header X-Forwarded-For $remote_addr;"
    )

    /// GR024.
    public static let nginxForwardingMissing = Rule(
        id: .nginxForwardingMissing,
        severity: .warning,
        scope: .nginx,
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
            """
    )

    /// GR025.
    public static let nginxHostFromClient = Rule(
        id: .nginxHostFromClient,
        severity: .warning,
        scope: .nginx,
        title: "Host forwarded from $http_host",
        rationale: """
            `$http_host` is the Host header exactly as the client sent it: any value, any port, \
            even empty, and not the host nginx selected the server by. `$host` is normalised \
            (lower case, no port, falls back to server_name).
            """,
        bad: "proxy_set_header Host $http_host;",
        good: "proxy_set_header Host $host;"
    )

    /// GR026.
    public static let nginxRealIPTooBroad = Rule(
        id: .nginxRealIPTooBroad,
        severity: .error,
        scope: .nginx,
        title: "set_real_ip_from trusts too much",
        rationale: """
            realip replaces $remote_addr with a header value when the connection comes from a \
            listed address. Listing everything (0.0.0.0/0, ::/0) or huge blocks lets any client \
            choose the address nginx logs, rate-limits and forwards. Warning for a large public \
            block or one the deployment does not list as an outer proxy.
            """,
        bad: "set_real_ip_from 0.0.0.0/0;\nreal_ip_header X-Forwarded-For;",
        good: "set_real_ip_from 10.0.0.10;  # the load balancer\nreal_ip_header X-Forwarded-For;\nreal_ip_recursive on;"
    )

    /// GR027.
    public static let nginxRealIPMisuse = Rule(
        id: .nginxRealIPMisuse,
        severity: .warning,
        scope: .nginx,
        title: "realip configured so that it picks the wrong address",
        rationale: """
            `real_ip_header` without any `set_real_ip_from` never applies; with X-Forwarded-For \
            and several trusted blocks (CDN + load balancer) but `real_ip_recursive off`, nginx \
            takes the rightmost entry, which is the nearer proxy rather than the client.
            """,
        bad:
            "set_real_ip_from 192.0.2.0/24;  # CDN\nset_real_ip_from 10.0.0.10;     # LB\nreal_ip_header X-Forwarded-For;",
        good:
            "set_real_ip_from 192.0.2.0/24;\nset_real_ip_from 10.0.0.10;\nreal_ip_header X-Forwarded-For;\nreal_ip_recursive on;"
    )
}
