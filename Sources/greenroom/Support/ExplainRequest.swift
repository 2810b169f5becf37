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
    let socketScheme: String

    init(
        peer: String,
        trust: [String],
        headers: [String],
        proxyHex: String?,
        policy: String,
        authoritative: String = ForwardedResolver.HeaderFamily.xForwarded.rawValue,
        hops: Int?,
        trustAll: Bool
    )
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
        guard let authoritative = ForwardedResolver.HeaderFamily(rawValue: authoritative) else {
            throw InputError(
                message: "--authoritative-headers: '\(authoritative)' is not one of x-forwarded, forwarded"
            )
        }
        if let hops, hops < 1 || hops > 64 {
            throw InputError(message: "--hops: \(hops) is out of range 1...64")
        }
        resolver = ForwardedResolver(
            trusted: trusted,
            policy: policy,
            mode: hops.map { .hops($0) } ?? .walk,
            authoritative: authoritative
        )
        self.headers = try headers.map { line throws(InputError) in try Self.parseHeader(line) }
        if let proxyHex {
            (proxyPeer, proxyNote, socketScheme) = try Self.parseProxy(
                proxyHex,
                socketPeer: socketPeer,
                trusted: trusted
            )
        } else {
            (proxyPeer, proxyNote, socketScheme) = (nil, nil, "http")
        }
    }

    /// Resolves the client.
    func resolve() -> Result {
        let client = resolver.resolve(
            peer: proxyPeer ?? socketPeer,
            headers: headers,
            peerVia: proxyPeer == nil ? .peer : .proxyProtocol,
            socketScheme: socketScheme
        )
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

    /// Decodes `--proxy-hex` and applies the PROXY protocol's trust rule: a header is only
    /// believed from a trusted socket peer (the server closes other connections).
    static func parseProxy(
        _ hex: String,
        socketPeer: Peer,
        trusted: TrustedProxies
    ) throws(InputError)
        -> (Peer?, String?, String)
    {
        var bytes: [UInt8] = []
        var digits = Array(hex.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: ":") })
        if digits.starts(with: Array("0x".utf8)) { digits.removeFirst(2) }
        guard !digits.isEmpty, digits.count % 2 == 0 else {
            throw InputError(message: "--proxy-hex: expected an even number of hex digits")
        }
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else {
                throw InputError(message: "--proxy-hex: '\(hex)' is not hexadecimal")
            }
            bytes.append(high << 4 | low)
        }
        let header: ProxyHeader
        let consumed: Int
        do {
            switch try ProxyProtocol.parse(bytes) {
            case .needMoreBytes(let atLeast):
                throw InputError(
                    message: "--proxy-hex: the header is incomplete (at least \(atLeast) more bytes needed)"
                )
            case .complete(let parsed, let count):
                (header, consumed) = (parsed, count)
            }
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(message: "--proxy-hex: \(error)")
        }
        let trailing = bytes.count - consumed
        let extra = trailing > 0 ? " (\(trailing) bytes after it belong to the HTTP request)" : ""
        guard trusted.trusts(socketPeer) else {
            throw InputError(
                message: "--proxy-hex: the socket peer \(socketPeer) is not trusted, so Greenroom would close the "
                    + "connection: PROXY headers are only accepted from trusted proxies"
            )
        }
        let scheme = header.clientUsedTLS ? "https" : "http"
        let tls = header.clientUsedTLS ? ", client used TLS" : ""
        guard let source = header.sourcePeer else {
            let kind = header.command == .local ? "LOCAL" : "without addresses"
            return (nil, "PROXY v\(header.version.rawValue) \(kind), socket peer kept\(tls)\(extra)", scheme)
        }
        return (
            source, "PROXY v\(header.version.rawValue) from trusted \(socketPeer): source \(source)\(tls)\(extra)",
            scheme
        )
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
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
