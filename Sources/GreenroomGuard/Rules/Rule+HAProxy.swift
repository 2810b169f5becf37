import GreenroomCore

extension Rule {
    /// GR130.
    public static let haproxyClientForwardingHeader = Rule(
        id: .haproxyClientForwardingHeader,
        severity: .error,
        scope: .haproxy,
        title: "client-sent forwarding header reaches the app",
        rationale: """
            HAProxy passes every request header on unless a rule removes or replaces it. The app \
            trusts HAProxy, so a Forwarded, X-Forwarded-Proto, -Host, -Port or -Prefix header the \
            client wrote itself reaches it as if HAProxy had set it. `option forwardfor if-none` \
            is the same for X-Forwarded-For: when the client sends one, HAProxy adds nothing and \
            the client's value is the only one. Delete each header the app reads before setting \
            HAProxy's own.
            """,
        bad: """
            frontend web
                bind :80
                option forwardfor if-none
                default_backend app
            """,
        good: """
            frontend web
                bind :80
                http-request del-header Forwarded
                http-request del-header X-Forwarded-For
                option forwardfor
                http-request set-header X-Forwarded-Proto http
                default_backend app
            """
    )

    /// GR131.
    public static let haproxyAppendedForwardedFor = Rule(
        id: .haproxyAppendedForwardedFor,
        severity: .warning,
        scope: .haproxy,
        title: "option forwardfor adds to the client's X-Forwarded-For at the edge",
        rationale: """
            `option forwardfor` adds an X-Forwarded-For line with the client's address but keeps \
            the lines the client sent. Only a reader that walks the header from the right with an \
            exact trust list (as Greenroom does) finds the real client; one that takes the \
            leftmost entry, or counts more than one hop, reads what the client wrote. An error \
            when the app counts two or more hops.
            """,
        bad: "frontend web\n    bind :80\n    option forwardfor\n    default_backend app",
        good:
            "frontend web\n    bind :80\n    http-request del-header X-Forwarded-For\n    option forwardfor\n    default_backend app"
    )

    /// GR132.
    public static let haproxyProxyProtocolMismatch = Rule(
        id: .haproxyProxyProtocolMismatch,
        severity: .error,
        scope: .haproxy,
        title: "send-proxy and the app's PROXY protocol setting disagree",
        rationale: """
            A server line with `send-proxy` or `send-proxy-v2` starts every connection with a \
            PROXY header; an app that does not expect one reads it as a broken request and every \
            request fails. The other way round, an app that requires the PROXY protocol refuses \
            every connection from a server line without it.
            """,
        bad: "backend app\n    server app1 127.0.0.1:8000 send-proxy-v2   # app.proxy_protocol: off",
        good: "backend app\n    server app1 127.0.0.1:8000 send-proxy-v2   # app.proxy_protocol: v2"
    )

    /// GR133.
    public static let haproxyHeaderFromClient = Rule(
        id: .haproxyHeaderFromClient,
        severity: .error,
        scope: .haproxy,
        title: "client address or scheme built from what the client sends",
        rationale: """
            `http-request set-header X-Forwarded-For %[req.hdr(x-forwarded-for)]`, an address \
            header made of a cookie, a query parameter or the path, or `http-request set-src` from \
            a request header without a condition on who sent it: the value the app trusts is one \
            the client chose. Build address and scheme headers from what HAProxy knows (`%[src]`, \
            `ssl_fc`), and take a header's address only from your load balancers \
            (`if { src 10.0.0.0/8 }`).
            """,
        bad: "http-request set-header X-Real-IP %[req.hdr(x-forwarded-for)]",
        good: "http-request set-header X-Real-IP %[src]"
    )

    /// GR134.
    public static let haproxyWildcardServer = Rule(
        id: .haproxyWildcardServer,
        severity: .error,
        scope: .haproxy,
        title: "backend server on a wildcard address",
        rationale: """
            `server app 0.0.0.0:8000` connects to this host on some address, which only works \
            when the app listens on every interface, where clients can reach it around HAProxy. \
            Name the address the app listens on.
            """,
        bad: "backend app\n    server app1 0.0.0.0:8000",
        good: "backend app\n    server app1 127.0.0.1:8000"
    )

    /// GR135.
    public static let haproxyTargetMismatch = Rule(
        id: .haproxyTargetMismatch,
        severity: .error,
        scope: .haproxy,
        title: "no backend server reaches the app",
        rationale: """
            The spec says where the app listens; no `server` line of the backends HAProxy routes \
            to names that address, port or unix socket, so requests go somewhere else (or \
            nowhere) and the app's trust list does not describe who connects.
            """,
        bad: "backend app\n    server app1 127.0.0.1:8080   # the app listens on 127.0.0.1:8000",
        good: "backend app\n    server app1 127.0.0.1:8000"
    )

    /// GR136.
    public static let haproxyClientAddressMissing = Rule(
        id: .haproxyClientAddressMissing,
        severity: .warning,
        scope: .haproxy,
        title: "the client address is not forwarded",
        rationale: """
            The app reads X-Forwarded-For (or Forwarded) from HAProxy, but nothing on the way to \
            it sets one and no PROXY header is sent: every request seems to come from HAProxy. \
            Add `option forwardfor` (after deleting the client's header) or send the PROXY protocol.
            """,
        bad: "frontend web\n    bind :80\n    default_backend app",
        good:
            "frontend web\n    bind :80\n    http-request del-header X-Forwarded-For\n    option forwardfor\n    default_backend app"
    )

    /// The HAProxy rules, in id order.
    public static let haproxyRules: [Rule] = [
        haproxyClientForwardingHeader, haproxyAppendedForwardedFor, haproxyProxyProtocolMismatch,
        haproxyHeaderFromClient, haproxyWildcardServer, haproxyTargetMismatch, haproxyClientAddressMissing,
    ]
}
