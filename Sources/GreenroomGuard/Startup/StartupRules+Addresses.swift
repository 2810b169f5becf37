import GreenroomCore
import GreenroomDeploy

extension StartupRules {
    /// Runs the start-up checks once per address the server listens on (`serve --host A
    /// --host B`): each address is judged on its own, so a refusal names the address it is about.
    /// A finding that does not depend on the address (root, the trust list) is reported once.
    ///
    /// - Parameters: as ``evaluate(_:spec:skipping:system:inherited:)``, with one description per
    ///   address (`ServerConfiguration.deploymentDescriptions()`); at least one.
    public static func evaluate(
        _ descriptions: [DeploymentDescription],
        spec: DeploymentSpec? = nil,
        skipping: Bool = false,
        system: any LiveSystem = LocalSystem(),
        inherited: Bool = false
    ) -> Outcome {
        var merged: Outcome?
        for description in descriptions {
            let outcome = evaluate(description, spec: spec, skipping: skipping, system: system, inherited: inherited)
            guard var sum = merged else {
                merged = outcome
                continue
            }
            for finding in outcome.findings where !sum.findings.contains(finding) { sum.findings.append(finding) }
            merged = sum
        }
        return merged ?? Outcome(findings: [], skipped: [])
    }
}
