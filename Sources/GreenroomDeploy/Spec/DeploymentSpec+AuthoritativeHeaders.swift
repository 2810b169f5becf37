import GreenroomCore

extension ProxySpec.Kind {
    /// The forwarding-header family this proxy's generated configuration writes itself, replacing
    /// whatever the client sent: the one to believe when `X-Forwarded-For` and `Forwarded`
    /// disagree.
    ///
    /// - nginx: `proxy_set_header X-Forwarded-For $remote_addr` (or `$proxy_add_x_forwarded_for`
    ///   after `real_ip` has vetted the outer balancer's list).
    /// - Apache: client-sent `X-Forwarded-For` is unset `early`; mod_proxy adds `%{REMOTE_ADDR}`.
    /// - HAProxy: client-sent `X-Forwarded-For` is deleted; `option forwardfor` adds `%[src]`.
    /// - none: no proxy writes either; `X-Forwarded-For`, the server's default, for symmetry.
    public var authoritativeHeaders: ForwardedResolver.HeaderFamily {
        switch self {
        case .nginx, .apache, .haproxy, .none: .xForwarded
        }
    }
}

extension DeploymentSpec {
    /// The family whose answer stands when `X-Forwarded-For` and `Forwarded` disagree:
    /// `app.authoritative_headers` when written, else the one the proxy writes itself
    /// (``ProxySpec/Kind/authoritativeHeaders``).
    public var authoritativeHeaders: ForwardedResolver.HeaderFamily {
        app.authoritativeHeaders ?? proxy.kind.authoritativeHeaders
    }
}
