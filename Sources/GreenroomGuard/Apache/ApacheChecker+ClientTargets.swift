import GreenroomConfigParsing

extension ApacheChecker {
    /// GR064: a proxy target whose scheme or host the client chooses (server-side request forgery).
    func clientTargetFindings(_ analysis: ApacheAnalysis) -> [Finding] {
        var findings: [Finding] = []
        for site in analysis.sites {
            guard let piece = Self.clientControlledPiece(inAuthorityOf: site.url) else { continue }
            findings.append(
                Rule.apacheClientChosenTarget.finding(
                    at: site.directive.location,
                    "\(site.directive.name) \(site.url): the target host comes from \(piece), which the client "
                        + "sends, so any client can make httpd connect to any address (SSRF)",
                    fix: "name a fixed host in the target URL and keep request captures in the path after it"
                )
            )
        }
        return findings
    }

    /// Request-derived pieces that, before the first `/` after `scheme://`, choose where httpd
    /// connects. `nil` when the scheme and host are fixed.
    static func clientControlledPiece(inAuthorityOf url: String) -> String? {
        var head = Substring(url)
        if url.lowercased().hasPrefix("unix:") {
            // httpd connects to the socket; the URL after `|` only names the Host it sends.
            head = head.prefix { $0 != "|" }
        } else if let separator = head.firstRange(of: "://") {
            head = head[..<(head[separator.upperBound...].firstIndex(of: "/") ?? head.endIndex)]
        } else if let slash = head.firstIndex(of: "/"), slash != head.startIndex {
            head = head[..<slash]
        } else if head.hasPrefix("/") {
            return nil
        }
        let serverVariables: [StaticString] = [
            "%{HTTP:", "%{HTTP_", "%{QUERY_STRING}", "%{REQUEST_URI}", "%{THE_REQUEST}", "%{PATH_INFO}",
            "%{SERVER_NAME}",
        ]
        for variable in serverVariables {
            guard let start = head.firstASCIIRange(ignoringCaseOf: variable)?.lowerBound else { continue }
            let end = head[start...].firstASCIIIndex(of: "}").map { head.utf8.index(after: $0) } ?? head.endIndex
            return String(head[start..<end])
        }
        var index = head.startIndex
        while index < head.endIndex {
            let next = head.index(after: index)
            if head[index] == "$" || head[index] == "%", next < head.endIndex, head[next].isASCII, head[next].isNumber {
                return String(head[index...next])
            }
            index = next
        }
        return nil
    }
}
