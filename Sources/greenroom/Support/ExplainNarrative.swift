import GreenroomCore

extension ExplainRequest.Result {
    /// The decision as the steps a person would follow, e.g.
    /// `peer 10.0.0.2 trusted (10.0.0.0/8) → hop 203.0.113.9 untrusted → client 203.0.113.9 via x-forwarded-for`.
    func narrative(trusted: TrustedProxies) -> String {
        var steps: [String] = []
        if let proxyNote { steps.append(proxyNote) }
        let peer = client.peer
        let peerName = peer.address?.description ?? "unix"
        if let entry = trusted.matchingEntry(for: peer) {
            steps.append("peer \(peerName) trusted (\(entry))")
        } else {
            steps.append("peer \(peerName) untrusted (trusted: \(trusted)) → forwarding headers ignored")
        }
        for hop in client.chain.dropFirst() {
            let entry = hop.address.flatMap { trusted.matchingEntry(for: $0) }
            steps.append("hop \(hop) " + (entry.map { "trusted (\($0))" } ?? "counted (hops mode)"))
        }
        if client.chain.omittedCount > 0 { steps.append("\(client.chain.omittedCount) more hops") }
        let clientName = client.address?.description ?? "unix"
        switch client.decision {
        case .peerUntrusted:
            break
        case .noForwardingHeaders:
            steps.append("no forwarding headers")
        case .untrustedHop:
            steps.append("hop \(clientName) untrusted")
        case .allHopsTrusted:
            steps.append("every hop trusted, leftmost wins")
        case .unparseableHop(let text):
            steps.append("hop '\(text)' unparseable, walk stops at the last good hop")
        case .hopLimitReached:
            steps.append("hop limit reached, leftmost hop read wins")
        case .fixedHopCount:
            steps.append("hop \(clientName) is hop \(client.chain.count) from the right (hops mode)")
        case .tooFewHops:
            steps.append("fewer hops than hops mode needs, peer wins")
        case .headersDisagree:
            steps.append("X-Forwarded-For and Forwarded disagree, last hop both agree on wins")
        }
        steps.append("client \(client) via \(client.via)")
        var lines = [steps.joined(separator: " → ")]
        var details = "scheme \(client.scheme)"
        if let host = client.host { details += ", host \(host)" }
        if let port = client.forwardedPort { details += ", port \(port)" }
        if let prefix = client.prefix { details += ", prefix \(prefix)" }
        lines.append(details)
        return lines.joined(separator: "\n")
    }
}
