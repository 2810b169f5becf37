import GreenroomCore

extension Rule {
    /// GR039.
    public static let nginxAliasTraversal = Rule(
        id: .nginxAliasTraversal,
        severity: .error,
        scope: .nginx,
        title: "alias path traversal through a location without a trailing slash",
        rationale: """
            A prefix `location /i` matches `/i../secret` too; with `alias /data/i/` nginx serves \
            `/data/i/../secret`, one directory above the alias. The location and the alias must both \
            end in a slash (or both not).
            """,
        bad: """
            location /i {
                alias /data/i/;
            }
            """,
        good: """
            location /i/ {
                alias /data/i/;
            }
            """
    )

    /// GR040.
    public static let nginxOriginRegex = Rule(
        id: .nginxOriginRegex,
        severity: .error,
        scope: .nginx,
        title: "Origin or Referer checked with an unanchored or unescaped regex",
        rationale: """
            `if ($http_origin ~ "example.com")` also accepts `https://example.com.evil.net` and \
            `https://exampleXcom.net`: an unanchored pattern or an unescaped dot lets other sites \
            pass a CORS or CSRF check.
            """,
        bad: """
            if ($http_origin ~* "https://example.com") {
                add_header Access-Control-Allow-Origin $http_origin;
            }
            """,
        good: """
            if ($http_origin ~* "^https://example\\.com$") {
                add_header Access-Control-Allow-Origin $http_origin;
            }
            """
    )

    /// GR041.
    public static let nginxValidReferersNone = Rule(
        id: .nginxValidReferersNone,
        severity: .warning,
        scope: .nginx,
        title: "valid_referers accepts requests without a Referer",
        rationale: """
            `none` makes a request with no Referer valid, and a client (or a page using \
            `Referrer-Policy: no-referrer`) can always leave it out, so the hot-link or CSRF check \
            passes for anyone.
            """,
        bad: "valid_referers none server_names *.example.com;",
        good: "valid_referers server_names *.example.com;"
    )

    /// GR042.
    public static let nginxAllowWithoutDeny = Rule(
        id: .nginxAllowWithoutDeny,
        severity: .warning,
        scope: .nginx,
        title: "allow without a deny",
        rationale: """
            `allow` only means something before a `deny`: without `deny all;` every address not \
            listed is allowed too, so the list restricts nothing.
            """,
        bad: """
            location /admin/ {
                allow 10.0.0.0/8;
            }
            """,
        good: """
            location /admin/ {
                allow 10.0.0.0/8;
                deny all;
            }
            """
    )

    /// GR043.
    public static let nginxSatisfyAnyOpen = Rule(
        id: .nginxSatisfyAnyOpen,
        severity: .error,
        scope: .nginx,
        title: "satisfy any with an access list that admits everyone",
        rationale: """
            With `satisfy any` one passing check is enough. When the access list allows every \
            address (`allow all`, `0.0.0.0/0`), nobody has to authenticate: `auth_basic` or \
            `auth_request` is skipped for the whole internet.
            """,
        bad: """
            location /admin/ {
                satisfy any;
                allow all;
                auth_basic "admin";
                auth_basic_user_file /etc/nginx/htpasswd;
            }
            """,
        good: """
            location /admin/ {
                satisfy any;
                allow 10.0.0.0/8;
                deny all;
                auth_basic "admin";
                auth_basic_user_file /etc/nginx/htpasswd;
            }
            """
    )

    /// GR044.
    public static let nginxAddHeaderMultiline = Rule(
        id: .nginxAddHeaderMultiline,
        severity: .warning,
        scope: .nginx,
        title: "add_header value spans several lines",
        rationale: """
            A quoted `add_header` value that continues on the next line sends a header folded over \
            several lines (obsolete line folding); browsers and proxies reject or misread it.
            """,
        bad: """
            add_header Content-Security-Policy "default-src 'self';
                script-src 'self'";
            """,
        good: "add_header Content-Security-Policy \"default-src 'self'; script-src 'self'\";"
    )

    /// GR045.
    public static let nginxIfIsEvil = Rule(
        id: .nginxIfIsEvil,
        severity: .warning,
        scope: .nginx,
        title: "directive inside if in a location",
        rationale: """
            Inside a location, `if` creates a nested location: only `return` and `rewrite ... last` \
            are safe there. Other directives (`proxy_pass`, `add_header`, `try_files`, `set`) apply \
            to a different configuration than the one around them, and some are silently dropped.
            """,
        bad: """
            location / {
                if ($request_method = POST) {
                    add_header X-Post 1;
                }
            }
            """,
        good: """
            location / {
                if ($request_method = POST) {
                    return 405;
                }
            }
            """
    )

    /// GR046.
    public static let nginxProxyPassNormalized = Rule(
        id: .nginxProxyPassNormalized,
        severity: .info,
        scope: .nginx,
        title: "proxy_pass with a URI sends the normalised, decoded path",
        rationale: """
            When `proxy_pass` has a URI part (`http://app/`), nginx replaces the location prefix in \
            the *normalised, decoded* path: `%2F` becomes `/` and `..` is resolved, so the app sees \
            a different path than the client sent and path-based checks in the app can be bypassed.
            """,
        bad: """
            location /api/ {
                proxy_pass http://127.0.0.1:8000/;
            }
            """,
        good: """
            location /api/ {
                proxy_pass http://127.0.0.1:8000;
            }
            """
    )

    /// GR047.
    public static let nginxRegexReDoS = Rule(
        id: .nginxRegexReDoS,
        severity: .warning,
        scope: .nginx,
        title: "regex with nested repetition (ReDoS)",
        rationale: """
            A repeated group whose body repeats too (`(a+)+`, `(.*)*`, `(\\w+\\s?)*`) backtracks \
            exponentially on a crafted request; one request can keep a worker busy for seconds.
            """,
        bad: """
            location ~ ^/(\\w+/?)+$ {
                return 404;
            }
            """,
        good: """
            location ~ ^/[\\w/]+$ {
                return 404;
            }
            """
    )

    /// GR048.
    public static let nginxResolverExternal = Rule(
        id: .nginxResolverExternal,
        severity: .warning,
        scope: .nginx,
        title: "resolver on a public DNS server",
        rationale: """
            nginx's resolver checks only the 16-bit query id: answers from a public resolver across \
            the internet can be spoofed (the DNS cache poisoning nginx warns about), sending \
            `proxy_pass` to an attacker's host.
            """,
        bad: "resolver 8.8.8.8;",
        good: "resolver 127.0.0.53;"
    )

    /// GR049.
    public static let nginxVersionDisclosure = Rule(
        id: .nginxVersionDisclosure,
        severity: .info,
        scope: .nginx,
        title: "server_tokens on discloses the nginx version",
        rationale: """
            `server_tokens on` (the default) writes the exact nginx version in the Server header and \
            error pages, telling scanners which known vulnerabilities apply.
            """,
        bad: "server_tokens on;",
        good: "server_tokens off;"
    )

    /// GR100.
    public static let nginxErrorLogOff = Rule(
        id: .nginxErrorLogOff,
        severity: .warning,
        scope: .nginx,
        title: "error_log off writes to a file named off",
        rationale: """
            `error_log` has no `off` value: `error_log off;` writes the error log to a file called \
            `off` in the prefix directory, and errors are kept, not discarded.
            """,
        bad: "error_log off;",
        good: "error_log /dev/null crit;"
    )

    /// GR101.
    public static let nginxUnanchoredRegex = Rule(
        id: .nginxUnanchoredRegex,
        severity: .info,
        scope: .nginx,
        title: "location regex without an anchor",
        rationale: """
            `location ~ /api` matches `/api` anywhere in the path (`/static/x/api.png`); without `^` \
            or `$` the location catches requests it was not meant for and the regex is tried over \
            the whole path.
            """,
        bad: """
            location ~ /api {
                proxy_pass http://127.0.0.1:8000;
            }
            """,
        good: """
            location ~ ^/api/ {
                proxy_pass http://127.0.0.1:8000;
            }
            """
    )

    /// GR102.
    public static let nginxTryFilesWithoutCache = Rule(
        id: .nginxTryFilesWithoutCache,
        severity: .info,
        scope: .nginx,
        title: "try_files without open_file_cache",
        rationale: """
            Each `try_files` candidate after the first is an extra stat() system call per request; \
            without `open_file_cache` busy sites spend their time in the file system.
            """,
        bad: """
            location / {
                try_files $uri $uri/ =404;
            }
            """,
        good: """
            open_file_cache max=10000 inactive=30s;
            location / {
                try_files $uri $uri/ =404;
            }
            """
    )

    /// GR103.
    public static let nginxWorkerFileLimit = Rule(
        id: .nginxWorkerFileLimit,
        severity: .warning,
        scope: .nginx,
        title: "worker_rlimit_nofile too low for worker_connections",
        rationale: """
            A proxied connection uses two descriptors (client and upstream); when \
            `worker_rlimit_nofile` is missing or below twice `worker_connections`, nginx fails with \
            'Too many open files' under load before it reaches its connection limit.
            """,
        bad: """
            worker_rlimit_nofile 1024;
            events { worker_connections 1024; }
            """,
        good: """
            worker_rlimit_nofile 4096;
            events { worker_connections 1024; }
            """
    )

    /// GR104.
    public static let nginxLowKeepaliveRequests = Rule(
        id: .nginxLowKeepaliveRequests,
        severity: .info,
        scope: .nginx,
        title: "keepalive_requests below the default",
        rationale: """
            Below nginx's default of 1000, clients (and the proxy in front) reconnect often; HTTP/2 \
            clients in particular lose every stream on the closed connection.
            """,
        bad: "keepalive_requests 100;",
        good: "keepalive_requests 1000;"
    )

    /// GR105.
    public static let nginxNoDefaultServer = Rule(
        id: .nginxNoDefaultServer,
        severity: .info,
        scope: .nginx,
        title: "several servers share a listen address and none is default_server",
        rationale: """
            When several server blocks listen on one address and none says `default_server`, the \
            first one in file order answers every request with an unknown Host, which changes when \
            files are renamed or included in another order.
            """,
        bad: """
            server { listen 80; server_name a.example; }
            server { listen 80; server_name b.example; }
            """,
        good: """
            server { listen 80 default_server; server_name _; return 444; }
            server { listen 80; server_name a.example; }
            server { listen 80; server_name b.example; }
            """
    )

    /// GR106.
    public static let nginxMapWithoutDefault = Rule(
        id: .nginxMapWithoutDefault,
        severity: .info,
        scope: .nginx,
        title: "map or geo without a default",
        rationale: """
            A `map` or `geo` with no `default` gives the empty string for every value it does not \
            list; a map used for access decisions or as a header then silently lets unknown values \
            through.
            """,
        bad: """
            map $http_origin $cors {
                https://a.example 1;
            }
            """,
        good: """
            map $http_origin $cors {
                default 0;
                https://a.example 1;
            }
            """
    )

    /// GR107.
    public static let nginxAddHeaderContentType = Rule(
        id: .nginxAddHeaderContentType,
        severity: .warning,
        scope: .nginx,
        title: "Content-Type set with add_header",
        rationale: """
            `add_header Content-Type` adds a second Content-Type next to the one nginx already \
            sends; clients pick either. Set the type with `default_type` or `types`.
            """,
        bad: "location /feed { add_header Content-Type application/rss+xml; }",
        good: "location /feed { default_type application/rss+xml; }"
    )

    /// GR108.
    public static let nginxReturnBypassesAccess = Rule(
        id: .nginxReturnBypassesAccess,
        severity: .error,
        scope: .nginx,
        title: "return runs before allow and deny",
        rationale: """
            `return` and `rewrite` run in the rewrite phase, before the access phase: a location \
            with `deny all;` and a `return` answers everyone, so the access list protects nothing.
            """,
        bad: """
            location /admin/ {
                allow 10.0.0.0/8;
                deny all;
                return 302 /login;
            }
            """,
        good: """
            location /admin/ {
                allow 10.0.0.0/8;
                deny all;
                try_files $uri /login;
            }
            """
    )

    /// GR109.
    public static let nginxInvalidCapture = Rule(
        id: .nginxInvalidCapture,
        severity: .warning,
        scope: .nginx,
        title: "regex capture reference the pattern does not define",
        rationale: """
            `$2` where the regex has one group, or `$name` for a group it does not define, is always \
            empty (or, for a group of an outer regex, holds a value from a different match). nginx \
            reads one digit after `$`: `$10` is `$1` followed by `0`, and `$2x` is `$2` followed by `x`.
            """,
        bad: "rewrite ^/old/(.*)$ /new/$2 permanent;",
        good: "rewrite ^/old/(.*)$ /new/$1 permanent;"
    )

    /// GR110.
    public static let nginxStaleDNS = Rule(
        id: .nginxStaleDNS,
        severity: .warning,
        scope: .nginx,
        title: "proxy_pass host name resolved once at start-up",
        rationale: """
            A host name in `proxy_pass` or an upstream `server` is resolved when nginx starts and \
            never again; when the backend's address changes, nginx keeps sending to the old one \
            (possibly someone else's).
            """,
        bad: "proxy_pass http://backend.internal:8000;",
        good: """
            upstream backend {
                zone backend 64k;
                server backend.internal:8000 resolve;
            }
            resolver 127.0.0.53 valid=30s;
            proxy_pass http://backend;
            """
    )

    /// GR111.
    public static let nginxHostHeaderInRedirect = Rule(
        id: .nginxHostHeaderInRedirect,
        severity: .warning,
        scope: .nginx,
        title: "$http_host used where $host belongs",
        rationale: """
            `$http_host` is the client's raw Host header (any bytes, or empty), not the checked \
            server name: in a redirect, `add_header` or `set` it sends users to a host the attacker \
            chose.
            """,
        bad: "return 301 https://$http_host$request_uri;",
        good: "return 301 https://$host$request_uri;"
    )

    /// GR112.
    public static let nginxStatusPageOpen = Rule(
        id: .nginxStatusPageOpen,
        severity: .warning,
        scope: .nginx,
        title: "stub_status open to everyone",
        rationale: """
            `stub_status` shows connection counts to anyone who asks; without `allow` and `deny all` \
            it is public.
            """,
        bad: """
            location /nginx_status {
                stub_status;
            }
            """,
        good: """
            location /nginx_status {
                stub_status;
                allow 127.0.0.1;
                deny all;
            }
            """
    )

    /// GR113.
    public static let nginxWeakTLS = Rule(
        id: .nginxWeakTLS,
        severity: .warning,
        scope: .nginx,
        title: "TLS protocols or ciphers that are broken",
        rationale: """
            SSLv3, TLSv1 and TLSv1.1 are deprecated (RFC 8996) and cipher lists naming RC4, DES, \
            3DES, MD5, EXPORT, NULL or aNULL allow downgrades and decryption.
            """,
        bad: "ssl_protocols TLSv1 TLSv1.1 TLSv1.2;",
        good: "ssl_protocols TLSv1.2 TLSv1.3;"
    )

    /// GR114.
    public static let nginxRegexExactMatch = Rule(
        id: .nginxRegexExactMatch,
        severity: .info,
        scope: .nginx,
        title: "regex location that is an exact match",
        rationale: """
            `location ~ ^/health$` has no regex in it: `location = /health` is matched first, \
            without running a regex for every request.
            """,
        bad: """
            location ~ ^/health$ {
                return 200;
            }
            """,
        good: """
            location = /health {
                return 200;
            }
            """
    )

    /// GR115.
    public static let nginxMissingResolver = Rule(
        id: .nginxMissingResolver,
        severity: .warning,
        scope: .nginx,
        title: "proxy_pass with variables but no resolver",
        rationale: """
            When the `proxy_pass` host comes from a variable, nginx resolves it per request and \
            needs a `resolver`; without one every request whose host is not an upstream fails with \
            502.
            """,
        bad: """
            location / {
                proxy_pass http://$backend:8000;
            }
            """,
        good: """
            resolver 127.0.0.53;
            location / {
                proxy_pass http://$backend:8000;
            }
            """
    )

    /// GR116.
    public static let nginxRootExposure = Rule(
        id: .nginxRootExposure,
        severity: .error,
        scope: .nginx,
        title: "root or alias serves the whole file system",
        rationale: """
            `root /;` (or `alias /;`, `/etc`, `/home` and the like) lets any request path read files \
            of the host: `/etc/shadow` is a URL away.
            """,
        bad: "root /;",
        good: "root /var/www/example;"
    )

    /// GR117.
    public static let nginxMissingHSTS = Rule(
        id: .nginxMissingHSTS,
        severity: .info,
        scope: .nginx,
        title: "TLS server without Strict-Transport-Security",
        rationale: """
            Without `Strict-Transport-Security` (at least six months, `max-age=15768000`), a browser \
            that once typed `http://` can be kept on plain HTTP by anyone on its network, and \
            cookies without `Secure` go with it.
            """,
        bad: """
            server {
                listen 443 ssl;
                ssl_certificate /etc/ssl/site.pem;
                ssl_certificate_key /etc/ssl/site.key;
            }
            """,
        good: """
            server {
                listen 443 ssl;
                ssl_certificate /etc/ssl/site.pem;
                ssl_certificate_key /etc/ssl/site.key;
                add_header Strict-Transport-Security "max-age=63072000" always;
            }
            """
    )

    /// GR118.
    public static let nginxStaplingWithoutResolver = Rule(
        id: .nginxStaplingWithoutResolver,
        severity: .warning,
        scope: .nginx,
        title: "ssl_stapling without a resolver",
        rationale: """
            nginx fetches OCSP responses itself and needs a `resolver` for the responder's name; \
            without one stapling silently never happens.
            """,
        bad: """
            ssl_stapling on;
            ssl_stapling_verify on;
            """,
        good: """
            ssl_stapling on;
            ssl_stapling_verify on;
            resolver 127.0.0.53;
            """
    )

    /// GR119.
    public static let nginxNonExpandingVariable = Rule(
        id: .nginxNonExpandingVariable,
        severity: .warning,
        scope: .nginx,
        title: "variable in a directive that does not expand variables",
        rationale: """
            `error_log`, `include`, `listen`, `resolver`, `pid`, `ssl_dhparam`, \
            `ssl_trusted_certificate` and `ssl_client_certificate` take their value literally: \
            `$host` there is a file or name containing a dollar sign, not the request's host.
            """,
        bad: "error_log /var/log/nginx/$host.error.log;",
        good: "error_log /var/log/nginx/site.error.log;"
    )

    /// GR120.
    public static let nginxStaplingUnavailable = Rule(
        id: .nginxStaplingUnavailable,
        severity: .info,
        scope: .nginx,
        title: "ssl_stapling with a certificate authority that has no OCSP",
        rationale: """
            Let's Encrypt ended its OCSP service in 2025: with its certificates `ssl_stapling on` \
            staples nothing and logs errors.
            """,
        bad: """
            ssl_certificate /etc/letsencrypt/live/example.com/fullchain.pem;
            ssl_stapling on;
            """,
        good: """
            ssl_certificate /etc/letsencrypt/live/example.com/fullchain.pem;
            ssl_stapling off;
            """
    )

    /// GR121.
    public static let nginxQuicWithoutReuseport = Rule(
        id: .nginxQuicWithoutReuseport,
        severity: .warning,
        scope: .nginx,
        title: "quic_bpf on without reuseport on the QUIC listen",
        rationale: """
            `quic_bpf on` routes QUIC packets to workers through a `reuseport` socket group; a \
            `listen ... quic` without `reuseport` leaves the BPF program nothing to route, and \
            connections break when they migrate.
            """,
        bad: """
            quic_bpf on;
            server { listen 443 quic; }
            """,
        good: """
            quic_bpf on;
            server { listen 443 quic reuseport; }
            """
    )

    /// GR122.
    public static let nginxProxyBufferingOff = Rule(
        id: .nginxProxyBufferingOff,
        severity: .info,
        scope: .nginx,
        title: "proxy_buffering off for the whole site",
        rationale: """
            With buffering off, nginx passes the response to the client "synchronously, immediately as \
            it is received" and does not read the whole response from the app: the app's connection \
            stays open for as long as the client takes to read, so a few slow readers tie up the app. \
            Set at the http or server level, or in `location /`, it covers every response. Turn it off \
            only in the locations that stream (server-sent events, long polling), or let the app send \
            `X-Accel-Buffering: no` on those responses.
            """,
        bad: """
            location / {
                proxy_pass http://127.0.0.1:8000;
                proxy_buffering off;
            }
            """,
        good: """
            location / {
                proxy_pass http://127.0.0.1:8000;
            }
            location /events {
                proxy_pass http://127.0.0.1:8000;
                proxy_buffering off;
            }
            """
    )

    /// GR123.
    public static let nginxMixedCaseVariable = Rule(
        id: .nginxMixedCaseVariable,
        severity: .info,
        scope: .nginx,
        title: "one variable spelled in different cases",
        rationale: """
            nginx variable names ignore case: `$Backend` and `$backend` are the same variable. Two \
            spellings read as two variables, and the one that seems unset is not.
            """,
        bad: """
            set $Backend 127.0.0.1:8000;
            proxy_pass http://$backend;
            """,
        good: """
            set $backend 127.0.0.1:8000;
            proxy_pass http://$backend;
            """
    )

    /// GR124.
    public static let nginxPostQuantumCurve = Rule(
        id: .nginxPostQuantumCurve,
        severity: .warning,
        scope: .nginx,
        title: "ssl_ecdh_curve names a post-quantum group older OpenSSL rejects",
        rationale: """
            nginx hands the `ssl_ecdh_curve` list to OpenSSL, which rejects the whole list when it \
            does not know one group; nginx then does not start, or a reload keeps the old \
            configuration. The post-quantum hybrids (`X25519MLKEM768`) exist from OpenSSL 3.5, the \
            pre-standard `Kyber` drafts in no OpenSSL release. Where nginx runs with OpenSSL 3.5 or \
            later the list works; with 3.3 or 3.4 a `?` prefix makes the group optional; OpenSSL 3.0 \
            and 3.2 (Debian 12, Ubuntu 24.04, RHEL 9) reject the `?` too, so leave the group out.
            """,
        bad: "ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1;",
        good: "ssl_ecdh_curve X25519:prime256v1:secp384r1;"
    )

    /// GR125.
    public static let nginxHTTP2Misdirected = Rule(
        id: .nginxHTTP2Misdirected,
        severity: .info,
        scope: .nginx,
        title: "TLS default server rejecting handshakes without a 421 for reused HTTP/2 connections",
        rationale: """
            `ssl_reject_handshake on` refuses TLS connections for names no server lists, but a \
            browser reuses an HTTP/2 connection opened for one name for another name the \
            certificate covers. nginx picks the server for each request by its host, so a name no \
            server lists reaches the default server anyway, handshake or not, and gets its files or \
            a 404. `return 421` (Misdirected Request) tells the browser to open a connection for \
            that name instead.
            """,
        bad: """
            server {
                listen 443 ssl http2 default_server;
                ssl_reject_handshake on;
            }
            """,
        good: """
            server {
                listen 443 ssl http2 default_server;
                ssl_reject_handshake on;
                return 421;
            }
            """
    )

    /// GR126.
    public static let nginxRewriteArgsCapture = Rule(
        id: .nginxRewriteArgsCapture,
        severity: .info,
        scope: .nginx,
        title: "rewrite with arguments followed by set, if or rewrite reading a numbered capture",
        rationale: """
            CVE-2026-42945: after a `rewrite` whose replacement has a `?` and that does not end the \
            rewrite phase (no `last`, `break` or redirect), a `set`, `if` or another `rewrite` in the same block that \
            reads `$1`…`$9` sizes its buffer for the raw capture but writes it URI-escaped, which \
            overflows the heap in nginx 0.6.27 to 1.30.0 (fixed in 1.30.1 and 1.31.0). nginx's \
            version is not in the configuration, so this is a note: upgrade, or capture by name \
            (`(?<id>...)`, `$id`) instead of by number.
            """,
        bad: """
            rewrite ^/item/(.*)$ /show?kind=item;
            set $id $1;
            """,
        good: """
            rewrite ^/item/(?<item>.*)$ /show?kind=item;
            set $id $item;
            """
    )

    /// GR127.
    public static let nginxOverlappingCaptures = Rule(
        id: .nginxOverlappingCaptures,
        severity: .info,
        scope: .nginx,
        title: "rewrite redirect or arguments referencing nested numbered captures",
        rationale: """
            CVE-2026-9256: a `rewrite` that redirects (or writes arguments) with two numbered \
            captures where one contains the other, and no other variable, escapes them into a \
            buffer sized for the raw bytes, which overflows the heap in nginx up to 1.30.1 and \
            1.31.0 (fixed in 1.30.2 and 1.31.1). nginx's version is not in the configuration, so \
            this is a note: upgrade, or capture by name and write `$name` (a named group is still \
            numbered, so `$1` does not help).
            """,
        bad: "rewrite ^/((.*))$ https://example.com/$1/$2 redirect;",
        good: "rewrite ^/(?<path>.*)$ https://example.com/$path redirect;"
    )

    /// The nginx hardening rules (`GR039`–`GR049`, `GR100`–`GR129`), ordered by id.
    public static let nginxHardeningRules: [Rule] = [
        .nginxAliasTraversal, .nginxOriginRegex, .nginxValidReferersNone, .nginxAllowWithoutDeny, .nginxSatisfyAnyOpen,
        .nginxAddHeaderMultiline, .nginxIfIsEvil, .nginxProxyPassNormalized, .nginxRegexReDoS, .nginxResolverExternal,
        .nginxVersionDisclosure, .nginxErrorLogOff, .nginxUnanchoredRegex, .nginxTryFilesWithoutCache,
        .nginxWorkerFileLimit, .nginxLowKeepaliveRequests, .nginxNoDefaultServer, .nginxMapWithoutDefault,
        .nginxAddHeaderContentType, .nginxReturnBypassesAccess, .nginxInvalidCapture, .nginxStaleDNS,
        .nginxHostHeaderInRedirect, .nginxStatusPageOpen, .nginxWeakTLS, .nginxRegexExactMatch, .nginxMissingResolver,
        .nginxRootExposure, .nginxMissingHSTS, .nginxStaplingWithoutResolver, .nginxNonExpandingVariable,
        .nginxStaplingUnavailable, .nginxQuicWithoutReuseport, .nginxProxyBufferingOff, .nginxMixedCaseVariable,
        .nginxPostQuantumCurve, .nginxHTTP2Misdirected, .nginxRewriteArgsCapture, .nginxOverlappingCaptures,
    ]
}
