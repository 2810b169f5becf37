import GreenroomConfigParsing
import GreenroomCore

extension NginxChecker {
    /// GR041, GR044, GR048, GR049, GR100, GR104, GR106, GR107, GR111, GR113, GR119, GR124:
    /// single directives with a known bad value.
    func hygieneFindings(_ analysis: NginxAnalysis) -> [Finding] {
        var findings: [Finding] = []
        // Each simple directive once, read in place: the main file's top level, every http
        // scope, every upstream.
        func checkEach(_ directives: [NginxDirective]) {
            for index in directives.indices where directives[index].block == nil {
                check(directives[index])
            }
        }
        func check(_ directive: NginxDirective) {
            if Self.nonExpanding.contains(directive.name),
                let value = directive.values.first(where: { !NginxVariables.names(in: $0).isEmpty })
            {
                findings.append(
                    Rule.nginxNonExpandingVariable.finding(
                        at: directive.location,
                        "\(directive.name) does not expand variables: \(value) is taken literally",
                        fix: "write the value out (one \(directive.name) per server if it must differ)"
                    )
                )
            }
            if let finding = hygiene(directive) { findings.append(finding) }
            if let finding = headerValue(directive) { findings.append(finding) }
        }
        checkEach(analysis.config.directives)
        for scope in analysis.scopes { checkEach(scope.innermost.children) }
        for upstream in analysis.upstreams.values { checkEach(upstream.directive.block ?? []) }
        for directive in Array(analysis.maps.values) + analysis.geos {
            let entries = directive.block ?? []
            guard !entries.contains(where: { $0.name == "default" }) else { continue }
            let target = directive.arguments.last?.value ?? ""
            findings.append(
                Rule.nginxMapWithoutDefault.finding(
                    at: directive.location,
                    "\(directive.name) \(target) has no default: every value it does not list gives \"\"",
                    fix: "add `default <value>;` to the \(directive.name)"
                )
            )
        }
        return findings
    }

    private func hygiene(_ directive: NginxDirective) -> Finding? {
        // Built only for the directives a case below judges: this runs on every directive.
        lazy var values = directive.values
        lazy var first = directive.firstValue.lowercased()
        switch directive.name {
        case "valid_referers" where values.contains { $0.lowercased() == "none" }:
            return Rule.nginxValidReferersNone.finding(
                at: directive.location,
                "valid_referers none: a request without a Referer header counts as valid",
                // The other values as written (quotes kept: "a b" is one pattern).
                fix: "valid_referers "
                    + directive.arguments.filter { $0.value.lowercased() != "none" }.map(\.description)
                    .joined(separator: " ") + ";"
            )
        case "resolver":
            let servers = values.filter { !$0.contains("=") }
            guard let public_ = servers.first(where: { Self.isPublicResolver($0) }) else { return nil }
            return Rule.nginxResolverExternal.finding(
                at: directive.location,
                "resolver \(public_) is a public DNS server across the internet: its answers can be spoofed",
                fix: "use a resolver on this host or the local network (resolver 127.0.0.53;)"
            )
        case "server_tokens" where first == "on" || first == "build":
            return Rule.nginxVersionDisclosure.finding(
                at: directive.location,
                "server_tokens \(first) shows the nginx version in the Server header and error pages",
                fix: "server_tokens off;"
            )
        case "error_log" where first == "off":
            return Rule.nginxErrorLogOff.finding(
                at: directive.location,
                "error_log off writes the error log to a file named 'off'",
                fix: "error_log /dev/null crit; (or keep a real error log)"
            )
        case "keepalive_requests":
            guard let number = Int(first), number < 1000 else { return nil }
            return Rule.nginxLowKeepaliveRequests.finding(
                at: directive.location,
                "keepalive_requests \(number) closes keep-alive connections after \(number) requests (default 1000)",
                fix: "keepalive_requests 1000;"
            )
        case "ssl_protocols":
            let weak = values.filter { ["sslv2", "sslv3", "tlsv1", "tlsv1.1"].contains($0.lowercased()) }
            guard !weak.isEmpty else { return nil }
            return Rule.nginxWeakTLS.finding(
                at: directive.location,
                "ssl_protocols allows \(weak.joined(separator: ", ")), which are broken or deprecated",
                fix: "ssl_protocols TLSv1.2 TLSv1.3;"
            )
        case "ssl_ciphers":
            let weak = Self.weakCiphers(directive.firstValue)
            guard !weak.isEmpty else { return nil }
            return Rule.nginxWeakTLS.finding(
                at: directive.location,
                "ssl_ciphers allows \(weak.joined(separator: ", "))",
                fix: "ssl_ciphers HIGH:!aNULL:!MD5; (or Mozilla's intermediate list)"
            )
        case "ssl_ecdh_curve":
            let groups = directive.firstValue.split(separator: ":")
            let postQuantum = groups.filter {
                !$0.hasPrefix("?") && ($0.uppercased().contains("MLKEM") || $0.uppercased().contains("KYBER"))
            }
            guard !postQuantum.isEmpty else { return nil }
            let drafts = postQuantum.filter { $0.uppercased().contains("KYBER") }
            let classical = groups.filter { !postQuantum.contains($0) }
            let fallback = "ssl_ecdh_curve " + (classical.isEmpty ? "auto" : classical.joined(separator: ":")) + ";"
            if !drafts.isEmpty {
                return Rule.nginxPostQuantumCurve.finding(
                    at: directive.location,
                    "ssl_ecdh_curve names \(drafts.joined(separator: ", ")), a pre-standard Kyber group no "
                        + "OpenSSL release knows: OpenSSL rejects the whole list and nginx does not load it",
                    fix: fallback + " (X25519MLKEM768 is the standard hybrid, from OpenSSL 3.5)"
                )
            }
            return Rule.nginxPostQuantumCurve.finding(
                at: directive.location,
                "ssl_ecdh_curve names \(postQuantum.joined(separator: ", ")), which needs OpenSSL 3.5 or later: "
                    + "an older OpenSSL (Debian 12, Ubuntu 24.04, RHEL 9) rejects the whole list and nginx does not "
                    + "load it",
                fix: "keep it only where `openssl version` says 3.5 or later; with 3.3 or 3.4 write ssl_ecdh_curve "
                    + groups.map { postQuantum.contains($0) ? "?" + $0 : $0 }.joined(separator: ":")
                    + "; (the ? makes a group optional), with an older OpenSSL " + fallback
            )
        default:
            return nil
        }
    }

    /// GR044, GR107, GR111: header and redirect values.
    private func headerValue(_ directive: NginxDirective) -> Finding? {
        lazy var values = directive.values  // only for the directives judged below
        let isHeader = directive.name == "add_header" || directive.name == "more_set_headers"
        if isHeader, values.contains(where: { $0.contains("\n") || $0.contains("\r") }) {
            return Rule.nginxAddHeaderMultiline.finding(
                at: directive.location,
                "\(directive.name) \(directive.firstValue) has a value over several lines",
                fix: "write the value on one line"
            )
        }
        if directive.name == "add_header", directive.firstValue.lowercased() == "content-type" {
            return Rule.nginxAddHeaderContentType.finding(
                at: directive.location,
                "add_header Content-Type adds a second Content-Type next to nginx's own",
                fix: "default_type \(values.count >= 2 ? values[1] : "<type>");"
            )
        }
        guard ["return", "rewrite", "add_header", "set", "proxy_redirect"].contains(directive.name),
            values.contains(where: { NginxVariables.names(in: $0).contains { $0.lowercased() == "http_host" } })
        else { return nil }
        return Rule.nginxHostHeaderInRedirect.finding(
            at: directive.location,
            "\(directive.name) uses $http_host, the client's raw Host header, not the checked server name",
            fix: "use $host instead of $http_host"
        )
    }

    /// Directives whose values nginx takes literally, `$` and all.
    static let nonExpanding: Set<String> = [
        "error_log", "include", "listen", "resolver", "pid", "ssl_dhparam", "ssl_trusted_certificate",
        "ssl_client_certificate", "ssl_crl", "ssl_ciphers", "ssl_protocols",
    ]

    /// `true` for a resolver address outside this host and the private ranges.
    static func isPublicResolver(_ value: String) -> Bool {
        var host = Substring(value)
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<close]
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        guard let address = IPAddress(host)?.unmapped else { return false }
        return !(address.isLoopback || address.isPrivate || address.isLinkLocal || address.isSharedAddressSpace)
    }

    /// The cipher-list elements that enable broken ciphers.
    static func weakCiphers(_ list: String) -> [String] {
        let weak = ["RC4", "DES", "3DES", "MD5", "EXPORT", "EXP", "NULL", "ANULL", "ENULL", "ADH", "AECDH"]
        return list.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "," }).map(String.init).filter {
            element in
            guard let first = element.first, !"!-".contains(first) else { return false }
            let word = element.drop { $0 == "+" }.uppercased()
            return weak.contains(word) || word.hasPrefix("EXP-") || word.hasSuffix("-MD5") || word.contains("RC4")
                || word.hasPrefix("DES-") || word.contains("3DES") || word.hasSuffix("NULL-SHA")
        }
    }
}
