/// The right-to-left walk over forwarding hops, shared by `X-Forwarded-For` and `Forwarded`.
///
/// Fed hops from the nearest (rightmost) to the farthest, it applies the rule of the article
/// <doc:TrustModel>: while the
/// current hop is trusted, step left; the first untrusted hop is the client; if every hop is
/// trusted the leftmost is the client; an unparseable hop stops the walk and the last good hop to
/// its right is the client. In `hops: N` mode it picks the N-th hop from the right instead.
@usableFromInline
struct HopWalker {
    @usableFromInline let fixedHops: Int?
    @usableFromInline let maxHops: Int
    /// Hops read so far.
    @usableFromInline var read = 0
    /// The current best answer: the peer at first, then the last good hop.
    @usableFromInline var client: TrustChain.Hop
    /// 0 while the client is the peer, else its position counted from the right (1-based).
    @usableFromInline var clientPosition = 0
    @usableFromInline var chain: TrustChain
    /// Set once the walk has stopped.
    @usableFromInline var decision: ClientAddress.Decision?
    /// `Forwarded` only: the `proto=` and `host=` of the client's element.
    @usableFromInline var elementProto: String?
    @usableFromInline var elementHost: String?

    @inlinable
    init(fixedHops: Int?, maxHops: Int, peer: Peer) {
        self.fixedHops = fixedHops
        self.maxHops = maxHops
        self.client = TrustChain.Hop(address: peer.address, port: peer.port)
        self.chain = TrustChain()
        self.chain.append(client)
    }

    /// `true` while more hops are wanted.
    @inlinable
    var isWalking: Bool { decision == nil }

    /// Takes the next hop to the left. `hop` is `nil` when `text` could not be parsed.
    /// Returns `true` when the hop became the client candidate.
    @inlinable
    @discardableResult
    mutating func step(_ hop: TrustChain.Hop?, text: UnsafeBufferPointer<UInt8>, trusted: TrustedProxies) -> Bool {
        guard decision == nil else { return false }
        read += 1
        if read > maxHops {
            decision = .hopLimitReached
            return false
        }
        guard let hop, let address = hop.address else {
            decision = .unparseableHop(String(decoding: text.prefix(80), as: UTF8.self))
            return false
        }
        if let fixedHops {
            if read == fixedHops {
                client = hop
                clientPosition = read
                decision = .fixedHopCount
                return true
            }
            chain.append(hop)
            return false
        }
        client = hop
        clientPosition = read
        if trusted.trusts(address) {
            chain.append(hop)
        } else {
            decision = .untrustedHop
        }
        return true
    }

    /// Ends the walk after the last hop.
    @inlinable
    mutating func finish() {
        guard decision == nil else { return }
        if read == 0 {
            decision = .noForwardingHeaders
        } else if fixedHops != nil {
            decision = .tooFewHops
            client = chain[0]
            clientPosition = 0
            chain.truncate(to: 1)
            elementProto = nil
            elementHost = nil
        } else {
            decision = .allHopsTrusted
        }
    }

    /// Feeds one `X-Forwarded-For` line, its elements right to left.
    @inlinable
    mutating func consumeXForwardedFor(_ line: UnsafeBufferPointer<UInt8>, trusted: TrustedProxies) {
        _ = ListElements.forEachReversed(line) { text in
            step(HopParser.parseXForwardedFor(text), text: text, trusted: trusted)
            return decision == nil
        }
    }
}
