extension DeploymentPolicy {
    /// `GR093`: the metrics endpoint listens on loopback only, whatever the app's topology. What it
    /// shows (request rates, trust decisions, PROXY rejections) is for the host's own scraper, and
    /// no opt-in lifts this.
    static func metricsViolations(_ description: DeploymentDescription) -> [PolicyViolation] {
        guard let metrics = description.metricsBind else { return [] }
        if case .tcp = metrics, let address = metrics.address, address.isLoopback { return [] }
        return [
            PolicyViolation(
                rule: .specMetricsNotLoopback,
                message: "refusing to serve metrics on \(metrics): the metrics endpoint listens on loopback only "
                    + "(it is served on the app's host, which is not a loopback address)",
                fix: "bind the app to 127.0.0.1 or ::1 (or a unix socket) behind a local proxy, "
                    + "or leave out --metrics-port (app.metrics_port)"
            )
        ]
    }
}
