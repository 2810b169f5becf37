#if Vapor
// What a Vapor app needs besides this module, so that `import GreenroomVapor` is enough: the trust
// layer's types, and the server's configuration and refusal. Only these: GreenroomServer's
// `Request`, `Response` and `HTTPServer` would clash with Vapor's.
@_exported public import GreenroomCore
@_exported public import struct GreenroomServer.ServerConfiguration
@_exported public import struct GreenroomServer.DeploymentPolicyRefusal
@_exported public import struct GreenroomServer.ConfigurationError
#endif
