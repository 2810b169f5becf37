extension ExplainResult {
    /// The decision as the steps a person would follow, then a line of scheme, host, port and
    /// prefix, e.g.
    /// `peer 10.0.0.2 trusted (10.0.0.0/8) → hop 203.0.113.9 untrusted → client 203.0.113.9 via x-forwarded-for`
    /// and `scheme http`.
    package var narrative: String {
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
        if let disagreement = client.disagreement {
            let overruled = disagreement.overruledClient.map { "named \($0)" } ?? "named no usable hop"
            steps.append(
                "\(Self.headerName(disagreement.overruled)) disagrees (\(overruled)): "
                    + "\(Self.headerName(disagreement.decidedBy)) is authoritative and decides"
            )
            if let step = step(for: disagreement.walkDecision) { steps.append(step) }
        } else if let step = step(for: client.decision) {
            steps.append(step)
        }
        steps.append("client \(client) via \(client.via)")
        var details = "scheme \(client.scheme)"
        if let host = client.host { details += ", host \(host)" }
        if let port = client.forwardedPort { details += ", port \(port)" }
        if let prefix = client.prefix { details += ", prefix \(prefix)" }
        return steps.joined(separator: " → ") + "\n" + details
    }

    /// The step that says why a walk stopped; `nil` when the peer line already said it.
    private func step(for decision: ClientAddress.Decision) -> String? {
        let clientName = client.address?.description ?? "unix"
        switch decision {
        case .peerUntrusted: return nil
        case .noForwardingHeaders: return "no forwarding headers"
        case .untrustedHop: return "hop \(clientName) untrusted"
        case .allHopsTrusted: return "every hop trusted, leftmost wins"
        case .unparseableHop(let text): return "hop '\(text)' unparseable, walk stops at the last good hop"
        case .hopLimitReached: return "hop limit reached, leftmost hop read wins"
        case .fixedHopCount: return "hop \(clientName) is hop \(client.chain.count) from the right (hops mode)"
        case .tooFewHops: return "fewer hops than hops mode needs, peer wins"
        case .headersDisagree: return "X-Forwarded-For and Forwarded disagree"
        }
    }

    /// The header a family's answer came from, as it is spelled on the wire.
    static func headerName(_ via: ClientAddress.Via) -> String {
        via == .forwarded ? "Forwarded" : "X-Forwarded-For"
    }
}
