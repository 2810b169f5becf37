// What an app needs besides Hummingbird: the trust layer's types (ClientAddress, TrustedProxies,
// ...), and the two GreenroomServer types its API throws. GreenroomServer's own Request and
// Response would clash with Hummingbird's, so it is not re-exported whole.

#if Hummingbird
@_exported public import GreenroomCore
@_exported public import struct GreenroomServer.ConfigurationError
@_exported public import struct GreenroomServer.DeploymentPolicyRefusal
#endif
