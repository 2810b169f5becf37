/// The name rules of the Kubernetes API server, for spec values that end up in manifests.
enum KubernetesNames {
    /// RFC 1123 label: at most 63 lowercase letters, digits and `-`, starting and ending with a
    /// letter or digit (namespaces).
    static func dnsLabelProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 63, bytes.allSatisfy(isLowerAlphanumericOrDash),
            bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-")
        else { return "'\(text)' is not a DNS label (at most 63 of a-z, 0-9 and -, not starting or ending with -)" }
        return nil
    }

    /// RFC 1123 subdomain: at most 253 characters, dot-separated DNS labels (object names).
    static func dnsSubdomainProblem(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.count <= 253,
            text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({
                dnsLabelProblem(String($0)) == nil
            })
        else { return "'\(text)' is not a DNS name (lowercase labels of a-z, 0-9 and - joined by dots)" }
        return nil
    }

    /// A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63
    /// alphanumerics, `-`, `_` and `.`, starting and ending alphanumeric.
    static func labelKeyProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return "'\(key)' is not a label key (at most one /)" }
        if parts.count == 2, let problem = dnsSubdomainProblem(String(parts[0])) {
            return "label key prefix: \(problem)"
        }
        guard let name = parts.last, isLabelName(String(name)) else {
            return
                "'\(key)' is not a label key (a name of at most 63 of A-Z, a-z, 0-9, -, _ and ., alphanumeric at both ends)"
        }
        return nil
    }

    /// A label value: empty, or a name like a key's.
    static func labelValueProblem(_ value: String) -> String? {
        value.isEmpty || isLabelName(value)
            ? nil
            : "'\(value)' is not a label value (at most 63 of A-Z, a-z, 0-9, -, _ and ., alphanumeric at both ends)"
    }

    private static func isLabelName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 63, let first = bytes.first, let last = bytes.last,
            isAlphanumeric(first), isAlphanumeric(last)
        else { return false }
        return bytes.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isLowerAlphanumericOrDash(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-")
    }
}
