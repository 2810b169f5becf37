import GreenroomCore

extension Rule {
    /// Every deployment-spec rule, by id: binding, trust, proxy and runtime.
    public static let specRules: [Rule] = (specBindingRules + specTrustRules + specProxyRules).sorted { $0.id < $1.id }
}
