import GreenroomConfigParsing
import GreenroomCore

extension HAProxyChecker {
    /// The headers that carry the client's address or scheme (lower case).
    static let addressHeaders: Set<String> = [
        "x-forwarded-for", "forwarded", "x-real-ip", "x-client-ip", "client-ip", "true-client-ip",
        "cf-connecting-ip", "x-cluster-client-ip", "fastly-client-ip", "x-forwarded-proto", "x-forwarded-port",
        "x-forwarded-ssl", "x-forwarded-scheme", "x-forwarded-protocol", "x-url-scheme", "front-end-https",
    ]

    /// Sample fetches whose value the client chooses: request headers, cookies, the URL and its
    /// parts, the body.
    static let clientSamples = [
        "hdr(", "hdrs", "fhdr(", "hdr_ip(", "hdr_val(", "cook(", "cook_val(", "url_param(", "urlp(", "urlp_val(",
        "query", "path", "url", "base", "body", "capture.req", "req.uri", "http_auth",
    ]

    /// GR133: address and scheme headers, and the source address, made of what the client sends.
    func clientSampleFindings(_ analysis: HAProxyAnalysis) -> [Finding] {
        var findings: [Finding] = []
        // Each section's rules once: a defaults section is inherited by many proxies.
        var sections: [HAProxySection] = []
        var seenSections = Set<SourceLocation>()
        for proxy in analysis.proxies {
            for section in [proxy.defaults, proxy.section].compactMap(\.self)
            where seenSections.insert(section.header.location).inserted {
                sections.append(section)
            }
        }
        var seen = Set<SourceLocation>()
        for section in sections {
            for rule in section.lines where rule.keyword == "http-request" && rule.words.count >= 3 {
                guard seen.insert(rule.location).inserted else { continue }
                let action = rule.words[1].lowercased()
                let condition = Self.condition(of: rule)
                let fromTrustedSources = condition.contains { $0.lowercased() == "src" }
                if action == "set-header" || action == "add-header", rule.words.count >= 4,
                    Self.addressHeaders.contains(rule.words[2].lowercased()),
                    let sample = Self.clientSample(in: rule.words[3])
                {
                    findings.append(
                        Rule.haproxyHeaderFromClient.finding(
                            at: rule.location(ofWord: 3),
                            "\(rule.words[2]) is built from \(sample), which the client sends"
                                + (fromTrustedSources ? ", for the sources the condition names" : ""),
                            fix: fromTrustedSources
                                ? "make sure the condition's src list holds only your load balancers"
                                : "use what HAProxy knows: %[src], %[dst_port], ssl_fc",
                            severity: fromTrustedSources ? .warning : nil
                        )
                    )
                }
                if action == "set-src", let sample = Self.clientSample(in: rule.words[2]), !fromTrustedSources {
                    findings.append(
                        Rule.haproxyHeaderFromClient.finding(
                            at: rule.location(ofWord: 2),
                            "set-src takes the source address from \(sample) of every client: each chooses its own "
                                + "address, and %[src] and option forwardfor pass it on",
                            fix: "add if { src <your load balancers> } to the rule"
                        )
                    )
                }
            }
        }
        return findings
    }

    /// The words after `if` or `unless`.
    static func condition(of line: HAProxyLine) -> ArraySlice<String> {
        guard let keyword = line.words.dropFirst(2).firstIndex(where: { $0 == "if" || $0 == "unless" }) else {
            return []
        }
        return line.words[(keyword + 1)...]
    }

    /// The first client-controlled sample fetch in `text` (`req.hdr(x-forwarded-for)`), or `nil`.
    /// In a log-format value only `%[...]` expressions are fetched; a bare sample expression
    /// (`set-src`) is one as a whole.
    static func clientSample(in text: String) -> String? {
        var expressions: [Substring] = []
        if text.contains("%[") {
            var rest = Substring(text)
            while let open = rest.firstRange(of: "%[") {
                let after = rest[open.upperBound...]
                let close = after.firstIndex(of: "]") ?? after.endIndex
                expressions.append(after[..<close])
                rest = after[close...]
            }
        } else {
            expressions = [Substring(text)]
        }
        for expression in expressions {
            // The fetch is the first element before any converter (`,lower`).
            let fetch = expression.split(separator: ",", maxSplits: 1).first.map(String.init) ?? ""
            var name = fetch.lowercased()
            if name.hasPrefix("req.") { name.removeFirst(4) }
            for sample in clientSamples {
                let matched =
                    sample.hasSuffix("(")
                    ? name.hasPrefix(sample)
                    : name == sample || name.hasPrefix(sample + "(") || name.hasPrefix(sample + ".")
                if matched { return fetch }
            }
        }
        return nil
    }
}
