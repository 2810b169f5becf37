import GreenroomCore

extension ForwardedResolver.HeaderPolicy {
    /// `true` when the proxy sends `X-Forwarded-*` headers (`x-forwarded` and `both`).
    package var sendsXForwarded: Bool { self != .forwarded }
    /// `true` when the proxy sends `Forwarded` (`forwarded` and `both`).
    package var sendsForwarded: Bool { self != .xForwarded }
}
