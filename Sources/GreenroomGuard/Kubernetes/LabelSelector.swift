/// Kubernetes label selectors: a Service's plain `selector`, and the `matchLabels` /
/// `matchExpressions` form of NetworkPolicy.
package enum LabelSelector {
    /// A `labels` mapping as a dictionary (non-string values are dropped).
    package static func labels(_ node: ManifestNode?) -> [String: String] {
        var labels: [String: String] = [:]
        for entry in node?.entries ?? [] { if let value = entry.value.text { labels[entry.key] = value } }
        return labels
    }

    /// `true` when a Service `selector` selects pods with `labels`: every pair present. An empty
    /// or absent selector selects nothing (the Service's endpoints are managed by hand).
    package static func service(_ selector: ManifestNode?, selects labels: [String: String]) -> Bool {
        let wanted = Self.labels(selector)
        return !wanted.isEmpty && wanted.allSatisfy { labels[$0.key] == $0.value }
    }

    /// `true` when a `matchLabels`/`matchExpressions` selector selects `labels`. An empty selector
    /// (`{}`) selects everything; `nil` (not written) selects what `absent` says. An operator this
    /// does not know selects nothing.
    package static func matches(_ selector: ManifestNode?, _ labels: [String: String], absent: Bool) -> Bool {
        guard let selector, !selector.isNull else { return absent }
        for (key, value) in Self.labels(selector["matchLabels"]) where labels[key] != value { return false }
        for expression in selector["matchExpressions"]?.items ?? [] {
            guard let key = expression["key"]?.text else { return false }
            let values = Set((expression["values"]?.items ?? []).compactMap(\.text))
            switch expression["operator"]?.text {
            case "In": if !(labels[key].map(values.contains) ?? false) { return false }
            case "NotIn": if labels[key].map(values.contains) ?? false { return false }
            case "Exists": if labels[key] == nil { return false }
            case "DoesNotExist": if labels[key] != nil { return false }
            default: return false
            }
        }
        return true
    }

    /// `true` for a selector that selects everything: `{}`, or one with empty `matchLabels`
    /// and no `matchExpressions`.
    package static func isEverything(_ selector: ManifestNode?) -> Bool {
        guard let selector, selector.isMapping else { return false }
        return (selector["matchLabels"]?.entries ?? []).isEmpty && (selector["matchExpressions"]?.items ?? []).isEmpty
    }
}
