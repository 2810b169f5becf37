extension ForwardedResolver {
    /// Builds the result of an `X-Forwarded-For` walk, with the aligned X-Forwarded-* values.
    @inlinable
    func finishXForwarded<Headers: BidirectionalCollection>(
        _ walk: HopWalker,
        peer: Peer,
        scan: HeaderScan<Headers>,
        headers: Headers,
        peerVia: ClientAddress.Via,
        socketScheme: String
    ) -> ClientAddress where Headers.Element == (name: String, value: String) {
        let position = walk.clientPosition
        let scheme = Self.pick(
            .xForwardedProto,
            position: position,
            scan: scan,
            headers: headers,
            ForwardedValues.scheme
        )
        let host: String?
        if scan.forwardedHost.count == 1, let index = scan.forwardedHost.last,
            !headers[index].value.utf8.contains(UInt8(ascii: ","))
        {
            host =
                ForwardedValues.host(wholeValue: headers[index].value)
                ?? scan.host.flatMap { ForwardedValues.host(wholeValue: headers[$0].value) }
        } else {
            host =
                Self.pick(.xForwardedHost, position: position, scan: scan, headers: headers, ForwardedValues.host)
                ?? scan.host.flatMap { ForwardedValues.host(wholeValue: headers[$0].value) }
        }
        let port = Self.pick(.xForwardedPort, position: position, scan: scan, headers: headers, ForwardedValues.port)
        let prefix = Self.pick(
            .xForwardedPrefix,
            position: position,
            scan: scan,
            headers: headers,
            ForwardedValues.prefix
        )
        return ClientAddress(
            address: walk.client.address,
            port: walk.client.port,
            peer: peer,
            scheme: scheme ?? socketScheme,
            host: host,
            forwardedPort: port,
            prefix: prefix,
            via: position > 0 ? .xForwardedFor : peerVia,
            chain: walk.chain,
            decision: walk.decision ?? .noForwardingHeaders
        )
    }

    /// Builds the result of a `Forwarded` walk: scheme and host come from the client's element.
    @inlinable
    func finishForwarded(
        _ walk: HopWalker,
        peer: Peer,
        peerVia: ClientAddress.Via,
        socketScheme: String,
        hostHeader: String?
    ) -> ClientAddress {
        ClientAddress(
            address: walk.client.address,
            port: walk.client.port,
            peer: peer,
            scheme: walk.elementProto ?? socketScheme,
            host: walk.elementHost ?? hostHeader,
            via: walk.clientPosition > 0 ? .forwarded : peerVia,
            chain: walk.chain,
            decision: walk.decision ?? .noForwardingHeaders
        )
    }

    /// `true` when both walks reached the same client over the same hops.
    @inlinable
    static func agree(_ x: HopWalker, _ f: HopWalker) -> Bool {
        x.clientPosition == f.clientPosition && x.client == f.client && x.chain == f.chain
    }

    /// Picks an X-Forwarded-* list entry: the one aligned with the client's `X-Forwarded-For`
    /// position when both lists have the same length, else the rightmost (the nearest trusted
    /// proxy's). Invalid entries give `nil`.
    @inlinable
    static func pick<Headers: BidirectionalCollection, Value>(
        _ name: ForwardingHeaderName,
        position: Int,
        scan: HeaderScan<Headers>,
        headers: Headers,
        _ validate: (UnsafeBufferPointer<UInt8>) -> Value?
    ) -> Value? where Headers.Element == (name: String, value: String) {
        guard scan.lines(name).count > 0 else { return nil }
        var count = 0
        var rightmost: Value?
        scan.forEachLineReversed(name, in: headers) { line in
            ListElements.forEachReversed(line) { element in
                count += 1
                if count == 1 { rightmost = validate(element) }
                return true
            }
        }
        guard count > 1, position > 1 else { return rightmost }
        var forwardedForCount = 0
        scan.forEachLineReversed(.xForwardedFor, in: headers) { line in
            ListElements.forEachReversed(line) { _ in
                forwardedForCount += 1
                return forwardedForCount <= count
            }
        }
        guard forwardedForCount == count else { return rightmost }
        var seen = 0
        var aligned: Value?
        scan.forEachLineReversed(name, in: headers) { line in
            ListElements.forEachReversed(line) { element in
                seen += 1
                if seen == position {
                    aligned = validate(element)
                    return false
                }
                return true
            }
        }
        return aligned
    }
}

/// Comma-separated header lists (RFC 9110 section 5.6.1), split without allocating.
@usableFromInline
enum ListElements {
    /// Calls `body` with each non-empty trimmed element, right to left; returns `false` if
    /// `body` stopped the iteration.
    @inlinable
    static func forEachReversed(
        _ line: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) -> Bool {
        var end = line.count
        while end > 0 {
            var start = end
            while start > 0, line[start - 1] != UInt8(ascii: ",") { start -= 1 }
            var lo = start
            var hi = end
            while lo < hi, line[lo] == UInt8(ascii: " ") || line[lo] == UInt8(ascii: "\t") { lo += 1 }
            while hi > lo, line[hi - 1] == UInt8(ascii: " ") || line[hi - 1] == UInt8(ascii: "\t") { hi -= 1 }
            if lo < hi, !body(UnsafeBufferPointer(rebasing: line[lo..<hi])) { return false }
            end = start - 1
        }
        return true
    }
}
