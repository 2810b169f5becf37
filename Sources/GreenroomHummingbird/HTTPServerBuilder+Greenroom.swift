#if Hummingbird
public import HummingbirdCore

extension HTTPServerBuilder {
    /// An HTTP/1 server with Greenroom's trust layer: the PROXY protocol when configured, forwarding
    /// headers of untrusted peers removed, and each request's client resolved for
    /// ``GreenroomRequestContext``. Everything else is `.http1(configuration:)`.
    ///
    /// ```swift
    /// let app = Application(router: router, server: .greenroom(GreenroomOptions()))
    /// ```
    ///
    /// This builder does not see the app's address: create the app with
    /// ``Hummingbird/Application/init(router:greenroom:http1:configuration:services:onServerRunning:eventLoopGroupProvider:logger:)``,
    /// or call ``GreenroomOptions/checkStartup(address:effectiveUserID:)`` yourself, to apply the start-up policy.
    ///
    /// - Parameters:
    ///   - options: whom to trust and how.
    ///   - configuration: the HTTP/1 settings, as for `.http1(configuration:)`.
    public static func greenroom(
        _ options: GreenroomOptions,
        configuration: HTTP1Channel.Configuration = .init()
    ) -> HTTPServerBuilder {
        .init { responder in
            GreenroomHTTP1Channel(responder: responder, options: options, configuration: configuration)
        }
    }
}
#endif
