import GreenroomCore

/// The validated inputs of `greenroom explain`, and the decision they lead to.
struct ExplainRequest {
    /// A bad flag value, with a message that names the flag.
    struct InputError: Error {
        let message: String
    }

    /// The outcome: the resolved client plus what the PROXY header said, if one was given.
    struct Result {
        let client: ClientAddress
        let socketPeer: Peer
        let proxyNote: String?
    }

    let socketPeer: Peer
    let resolver: ForwardedResolver
    let headers: [(name: String, value: String)]
    let proxyPeer: Peer?
    let proxyNote: String?

    init(peer: String, trust: [String], headers: [String], proxyHex: String?, policy: String, hops: Int?, trustAll: Bool)
        throws(InputError)
    {
        do {
            socketPeer = try Peer(parsing: peer)
        } catch {
            throw InputError(message: "--peer: \(error.reason)")
        }
        let trusted: TrustedProxies
        do {
            trusted = try TrustedProxies(parsing: trust.isEmpty ? ["loopback"] : trust, allowingEverything: trustAll)
        } catch {
            throw InputError(message: "--trust: \(error.reason)")
        }
        guard let policy = ForwardedResolver.HeaderPolicy(rawValue: policy) else {
            throw InputError(message: "--forwarded-headers: '\(policy)' is not one of x-forwarded, forwarded, both")
        }
        if let hops, hops < 1 || hops > 64 {
            throw InputError(message: "--hops: \(hops) is out of range 1...64")
        }
        resolver = ForwardedResolver(trusted: trusted, policy: policy, mode: hops.map { .hops($0) } ?? .walk)
        self.headers = try headers.map { line throws(InputError) in try Self.parseHeader(line) }
        if let proxyHex {
            (proxyPeer, proxyNote) = try Self.parseProxy(proxyHex, socketPeer: socketPeer, trusted: trusted)
        } else {
            (proxyPeer, proxyNote) = (nil, nil)
        }
    }

    /// Resolves the client.
    func resolve() -> Result {
        let client = resolver.resolve(
            peer: proxyPeer ?? socketPeer, headers: headers, peerVia: proxyPeer == nil ? .peer : .proxyProtocol)
        return Result(client: client, socketPeer: socketPeer, proxyNote: proxyNote)
    }

    /// Parses `Name: value`; refuses names that are not tokens and values with CR, LF or NUL.
    static func parseHeader(_ line: String) throws(InputError) -> (name: String, value: String) {
        guard let colon = line.firstIndex(of: ":") else {
            throw InputError(message: "--header '\(line)': expected 'Name: value'")
        }
        let name = line[..<colon]
        let value = line[line.index(after: colon)...].trimmingCharacters()
        guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else {
            throw InputError(message: "--header '\(line)': '\(name)' is not a valid header name")
        }
        guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
            throw InputError(message: "--header '\(name)': the value contains CR, LF or NUL")
        }
        return (String(name), String(value))
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    static func parseProxy(_ hex: String, socketPeer: Peer, trusted: TrustedProxies) throws(InputError)
        -> (Peer?, String?)
    {
        throw InputError(message: "--proxy-hex: PROXY protocol support is not built yet")
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    func trimmingCharacters() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
