import GreenroomCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ServerConfiguration {
    /// The deployment this configuration describes, with this host's facts: the process's
    /// effective user id and what is at the unix socket path.
    ///
    /// - Parameter effectiveUserID: the user that will serve; by default this process's.
    public func deploymentDescription(effectiveUserID: UInt32 = UInt32(geteuid())) -> DeploymentDescription {
        var unixSocket: DeploymentDescription.UnixSocketState?
        // An inherited unix socket is this process's own: its file is in use by design.
        if case .unix(let path) = bind, inheritedListener == nil {
            switch UnixSocketFile.status(of: path) {
            case .absent: unixSocket = .absent
            case .staleSocket: unixSocket = .staleSocket
            case .socketInUse: unixSocket = .inUse(owner: UnixSocketFile.ownerText(of: path))
            case .pathTooLong: unixSocket = .pathTooLong(maximum: UnixSocketFile.maximumPathBytes - 1)
            case .notASocket: unixSocket = .notASocket
            }
        }
        var description = DeploymentDescription(
            bind: bind,
            trust: trustedProxies,
            proxyProtocol: proxyProtocol,
            hops: hops,
            allowPublic: allowPublic,
            optIns: optIns,
            effectiveUserID: effectiveUserID,
            unixSocket: unixSocket
        )
        description.cluster = cluster
        description.metricsBind = metricsBind
        return description
    }

    /// One description per address the server listens on (``binds``), each judged on its own.
    public func deploymentDescriptions(effectiveUserID: UInt32 = UInt32(geteuid())) -> [DeploymentDescription] {
        let first = deploymentDescription(effectiveUserID: effectiveUserID)
        return binds.map { target in
            var description = first
            description.bind = target
            return description
        }
    }

    /// The `DeploymentPolicy` violations of this configuration on this host, leaving out
    /// ``policyExemptions``: what ``HTTPServer/run()`` refuses to start with. Every address in
    /// ``binds`` is judged.
    public func policyViolations(effectiveUserID: UInt32 = UInt32(geteuid())) -> [PolicyViolation] {
        let policy = DeploymentPolicy(exempting: policyExemptions)
        return deploymentDescriptions(effectiveUserID: effectiveUserID).flatMap { policy.violations(of: $0) }
    }
}

/// The server refused to start: the configuration violates the `DeploymentPolicy`.
///
/// Each violation names its rule and fix; an embedder who means it exempts the rule with
/// ``ServerConfiguration/policyExemptions`` or gives its opt-in in ``ServerConfiguration/optIns``.
public struct DeploymentPolicyRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every violation, errors and warnings.
    public var violations: [PolicyViolation]

    /// Creates a refusal.
    public init(violations: [PolicyViolation]) { self.violations = violations }

    /// The errors, one per line.
    public var description: String {
        violations.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")
    }
}
