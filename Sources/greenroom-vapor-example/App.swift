#if Vapor
import GreenroomVapor
import Vapor

/// The example app: a stock Vapor app and the Greenroom lines marked `// Greenroom`.
/// `trust` is what `greenroom serve --trust ... --forwarded-headers ...` would trust.
func configure(_ app: Application, trust: ServerConfiguration) {
    app.middleware.use(GreenroomMiddleware(configuration: trust), at: .beginning)  // Greenroom
    app.lifecycle.use(GreenroomStartupCheck(configuration: trust))  // Greenroom

    app.get { _ in "Hello, World!" }
    app.get("whoami") { req in
        // The client behind the trusted proxies; never `req.peerAddress` (anyone can forge it).
        let json = req.greenroom.client.json + "\n"  // Greenroom
        return Response(headers: ["content-type": "application/json"], body: .init(string: json))
    }
}
#endif
