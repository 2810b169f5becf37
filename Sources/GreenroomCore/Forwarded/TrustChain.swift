/// The trusted hops a client-address decision walked through, nearest first.
///
/// The first hop is the connection's peer (or the PROXY header's source); each next one is a
/// forwarding-header hop that was trusted and therefore stepped over. The nearest
/// ``storageCapacity`` hops are kept (inline, so resolving allocates nothing and the chain is a
/// plain value); ``totalCount`` counts every hop walked, so a longer chain is reported as
/// "… and N more" rather than silently shortened.
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

    /// How many hops are kept.
    public static let storageCapacity = 4

    @usableFromInline var storage: (Hop, Hop, Hop, Hop)
    @usableFromInline var storedCount: Int
    @usableFromInline var total: Int

    /// Every hop walked, including those beyond ``storageCapacity`` that are not kept.
    @inlinable
    public var totalCount: Int { total }

    /// An empty chain.
    @inlinable
    public init() {
        let empty = Hop(address: nil, port: nil)
        storage = (empty, empty, empty, empty)
        storedCount = 0
        total = 0
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
        case 0: return storage.0
        case 1: return storage.1
        case 2: return storage.2
        default: return storage.3
        }
    }

    /// The number of hops walked but not kept.
    @inlinable
    public var omittedCount: Int { totalCount - storedCount }

    /// Adds a hop at the far end of the chain (counted, and kept while there is room).
    @inlinable
    public mutating func append(_ hop: Hop) {
        switch storedCount {
        case 0: storage.0 = hop
        case 1: storage.1 = hop
        case 2: storage.2 = hop
        case 3: storage.3 = hop
        default:
            total += 1
            return
        }
        storedCount += 1
        total += 1
    }

    /// Keeps only the first `count` hops.
    @inlinable
    public mutating func truncate(to count: Int) {
        guard count < total else { return }
        total = count
        storedCount = Swift.min(storedCount, count)
    }

    public static func == (lhs: TrustChain, rhs: TrustChain) -> Bool {
        lhs.totalCount == rhs.totalCount && lhs.elementsEqual(rhs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(totalCount)
        for hop in self { hasher.combine(hop) }
    }
}
