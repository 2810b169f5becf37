import GreenroomCore

extension Rule {
    /// GR150.
    public static let generatedDrift = Rule(
        id: .generatedDrift,
        severity: .error,
        scope: .generated,
        title: "a generated file differs from what the spec renders now",
        rationale: """
            The proxy, the units and the manifests are generated from greenroom.yml so that they \
            cannot disagree with the app. A file that differs from what the spec renders now was \
            edited by hand, or the spec changed and the file was not regenerated: the proxy may \
            send to a port the app left, clear headers the app now reads, or trust what the app \
            no longer trusts. Change the spec and regenerate instead of editing the output.
            """,
        bad: """
            greenroom.yml:            listen: {port: 9000}
            deploy-out/nginx/greenroom.conf:   server 127.0.0.1:8000 max_fails=0;
            """,
        good: """
            greenroom.yml:            listen: {port: 9000}
            $ greenroom generate all --out deploy-out --force
            deploy-out/nginx/greenroom.conf:   server 127.0.0.1:9000 max_fails=0;
            """
    )

    /// GR151.
    public static let generatedMissing = Rule(
        id: .generatedMissing,
        severity: .error,
        scope: .generated,
        title: "a file the spec renders is missing from the generated directory",
        rationale: """
            The spec renders a file the directory does not hold: a socket unit added since the \
            last `generate`, the manifests of a new Kubernetes object, or the directory is not \
            the one `generate` wrote. What is deployed is then not all the spec describes.
            """,
        bad: "deploy-out/systemd/greenroom.service   # greenroom.socket missing",
        good: "deploy-out/systemd/greenroom.service\ndeploy-out/systemd/greenroom.socket"
    )

    /// GR152.
    public static let generatedStale = Rule(
        id: .generatedStale,
        severity: .warning,
        scope: .generated,
        title: "a generated file the spec no longer renders",
        rationale: """
            A file in a target's directory that the spec does not render any more is left over \
            from an earlier spec: an app that was renamed, instances or hosts that were removed, \
            a proxy kind that changed. If it is still installed, it still configures a proxy or a \
            unit for an app that is no longer there.
            """,
        bad: "proxy: {kind: nginx}\n# deploy-out/apache/greenroom.conf still there",
        good: "proxy: {kind: nginx}\n# deploy-out/apache/ removed (and the vhost disabled)"
    )

    /// The rules on generated files, in id order.
    public static let generatedRules: [Rule] = [generatedDrift, generatedMissing, generatedStale]
}
