/// The trusted hops a client-address decision walked through, nearest first.
///
/// The first hop is the connection's peer (or the PROXY header's source); each next one is a
/// forwarding-header hop that was trusted and therefore stepped over. Up to four hops are stored
/// inline, so resolving a typical chain allocates nothing.
public struct TrustChain: Sendable, Hashable, RandomAccessCollection {
    /// One trusted hop.
    public struct Hop: Sendable, Hashable, CustomStringConvertible {
        /// The hop's address, or `nil` for a unix-socket peer.
        public var address: IPAddress?
        /// The hop's port, when known.
        public var port: UInt16?

        /// Creates a hop.
        @inlinable
        public init(address: IPAddress?, port: UInt16?) {
            self.address = address
            self.port = port
        }

        /// The address (`unix` for a unix-socket peer), without the port.
        public var description: String { address?.description ?? "unix" }
    }

    @usableFromInline var inline: (Hop, Hop, Hop, Hop)
    @usableFromInline var overflow: [Hop]
    @usableFromInline var storedCount: Int

    /// An empty chain.
    @inlinable
    public init() {
        let empty = Hop(address: nil, port: nil)
        inline = (empty, empty, empty, empty)
        overflow = []
        storedCount = 0
    }

    /// A chain of the given hops.
    public init(_ hops: some Sequence<Hop>) {
        self.init()
        for hop in hops { append(hop) }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { storedCount }

    @inlinable
    public subscript(position: Int) -> Hop {
        precondition(position >= 0 && position < storedCount, "TrustChain index out of range")
        switch position {
        case 0: return inline.0
        case 1: return inline.1
        case 2: return inline.2
        case 3: return inline.3
        default: return overflow[position - 4]
        }
    }

    /// Adds a hop at the far end of the chain.
    @inlinable
    public mutating func append(_ hop: Hop) {
        switch storedCount {
        case 0: inline.0 = hop
        case 1: inline.1 = hop
        case 2: inline.2 = hop
        case 3: inline.3 = hop
        default: overflow.append(hop)
        }
        storedCount += 1
    }

    /// Removes every hop after the first `count`.
    @inlinable
    public mutating func truncate(to count: Int) {
        guard count < storedCount else { return }
        if count <= 4 { overflow.removeAll() } else { overflow.removeLast(storedCount - count) }
        storedCount = count
    }

    public static func == (lhs: TrustChain, rhs: TrustChain) -> Bool { lhs.elementsEqual(rhs) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storedCount)
        for hop in self { hasher.combine(hop) }
    }
}
