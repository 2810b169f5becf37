#if Hummingbird
public import GreenroomCore
import GreenroomServer
public import HummingbirdCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension GreenroomOptions {
    /// The start-up policy's findings for an app that listens on `address` with these options:
    /// the `DeploymentPolicy` `greenroom serve` and an embedded `HTTPServer` apply (loopback
    /// bind, trust, root, privileged port), minus ``policyExemptions``.
    ///
    /// - Parameters:
    ///   - address: the app's `ApplicationConfiguration.address`.
    ///   - effectiveUserID: the user that will serve; by default this process's.
    /// - Throws: `ConfigurationError` when the address is not a host and port or a unix socket,
    ///   or its host is not an IP address (a DNS name, or `0`, which the resolver reads as 0.0.0.0).
    public func startupViolations(
        address: BindAddress,
        effectiveUserID: UInt32 = UInt32(geteuid())
    ) throws -> [PolicyViolation] {
        guard let bind = BindTarget(address) else {
            throw ConfigurationError("cannot read the Hummingbird app's address \(address) for the start-up policy")
        }
        // The policy judges addresses; Hummingbird resolves a name (`0` is 0.0.0.0) when it binds.
        try bind.requireIPAddress(naming: "the Hummingbird app's host")
        var configuration = ServerConfiguration(
            bind: bind,
            trustedProxies: trustedProxies,
            forwardedHeaders: forwardedHeaders,
            hops: hops,
            maxHops: maxHops,
            proxyProtocol: proxyProtocol,
            allowPublic: allowPublic
        )
        configuration.optIns = optIns
        configuration.policyExemptions = policyExemptions
        return configuration.policyViolations(effectiveUserID: effectiveUserID)
    }

    /// Applies the start-up policy to an app that listens on `address`, as `greenroom serve`
    /// does before it accepts a connection.
    ///
    /// - Returns: the warnings (opted-in refusals), for the app to log.
    /// - Throws: `DeploymentPolicyRefusal` with every violation when one is an error (each names
    ///   its `RuleID`, e.g. `GR001` for a wildcard bind while a proxy is trusted), or
    ///   `ConfigurationError` when the address cannot be read.
    @discardableResult
    public func checkStartup(
        address: BindAddress,
        effectiveUserID: UInt32 = UInt32(geteuid())
    ) throws
        -> [PolicyViolation]
    {
        let violations = try startupViolations(address: address, effectiveUserID: effectiveUserID)
        if DeploymentPolicy.refuses(violations) { throw DeploymentPolicyRefusal(violations: violations) }
        return violations
    }
}
#endif
