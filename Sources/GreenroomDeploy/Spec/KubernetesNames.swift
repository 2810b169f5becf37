import GreenroomCore

/// The Kubernetes API's rules for names, labels and images, checked when the spec is read so a
/// generated manifest is never refused by the API server (and never carries YAML-breaking text).
public enum KubernetesNames {
    /// Why `name` is not a DNS-1123 label (lower-case letters, digits, `-`; at most 63), or `nil`.
    public static func problem(withDNSLabel name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= 63 else { return "must be 1 to 63 characters" }
        guard name.allSatisfy({ $0.isASCIILowercase || $0.isASCIIDigit || $0 == "-" }) else {
            return "may contain only lower-case letters, digits and '-'"
        }
        guard name.first != "-", name.last != "-" else { return "must start and end with a letter or digit" }
        return nil
    }

    /// Why `name` is not a DNS-1123 subdomain (labels joined by `.`; at most 253), or `nil`.
    public static func problem(withDNSSubdomain name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= 253 else { return "must be 1 to 253 characters" }
        for part in name.split(separator: ".", omittingEmptySubsequences: false) {
            if let problem = problem(withDNSLabel: String(part)) { return problem }
        }
        return nil
    }

    /// Why `key` is not a label key (`[prefix/]name`), or `nil`.
    public static func problem(withLabelKey key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return "has more than one '/'" }
        if parts.count == 2, let problem = problem(withDNSSubdomain: String(parts[0])) { return "prefix \(problem)" }
        let name = String(parts.last!)
        guard !name.isEmpty else { return "has an empty name" }
        return problem(withLabelValue: name)
    }

    /// Why `value` is not a label value (at most 63 of letters, digits, `-_.`, alphanumeric at
    /// both ends), or `nil`.
    public static func problem(withLabelValue value: String) -> String? {
        if value.isEmpty { return nil }
        guard value.utf8.count <= 63 else { return "is longer than 63 characters" }
        guard value.allSatisfy({ $0.isASCIILetterOrDigit || $0 == "-" || $0 == "_" || $0 == "." }) else {
            return "may contain only letters, digits, '-', '_' and '.'"
        }
        guard value.first!.isASCIILetterOrDigit, value.last!.isASCIILetterOrDigit else {
            return "must start and end with a letter or digit"
        }
        return nil
    }

    /// Why `image` is not a container image reference this generator writes unquoted, or `nil`.
    public static func problem(withImage image: String) -> String? {
        guard !image.isEmpty, image.utf8.count <= 255 else { return "must be 1 to 255 characters" }
        guard image.allSatisfy({ $0.isASCIILetterOrDigit || "./:@_-".contains($0) }) else {
            return "is not an image reference (letters, digits and . / : @ _ - only)"
        }
        guard image.first!.isASCIILetterOrDigit else { return "must start with a letter or digit" }
        return nil
    }

    /// Why `block` may not be the gateway's range (the app's trust list), or `nil`: a range that
    /// matches every address, is wider than a /8 (IPv4) or /16 (IPv6), is loopback or is public:
    /// the same ranges `serve --cluster` refuses to trust.
    public static func problem(withGatewayRange block: CIDR) -> String? {
        if block.matchesEverything { return "matches every address: the app would believe any client's headers" }
        let minimum = block.network.family == .v4 ? 8 : 16
        guard block.prefixLength >= minimum else {
            return "is wider than /\(minimum): name the gateway pods' range (the cluster's pod CIDR or narrower)"
        }
        if block.network.isLoopback || block.network.isUnspecified {
            return "is loopback or unspecified, not where gateway pods connect from"
        }
        if !DeploymentPolicy.isPrivateNetwork(block.network) {
            return "is not a private range; gateway pods connect from the cluster's private pod range"
        }
        return nil
    }
}
