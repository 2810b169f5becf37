extension Peer {
    /// Parses a peer as a user writes it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
    /// `[2001:db8::1]:4711`, or `unix` / `unix:/path`. A missing port is unknown (`nil`), not 0.
    ///
    /// - Throws: ``GreenroomError/Code/invalidIPAddress`` naming the text.
    public init(parsing text: some StringProtocol) throws(GreenroomError) {
        if text == "unix" {
            self = .unix(path: nil)
            return
        }
        if text.hasPrefix("unix:") {
            self = .unix(path: String(text.dropFirst(5)))
            return
        }
        let hop = Array(text.utf8).withUnsafeBufferPointer { HopParser.parseXForwardedFor($0) }
        guard let hop, let address = hop.address else {
            if text.contains("%") {
                throw GreenroomError(.zoneIDNotAllowed, "'\(text)': IPv6 zone ids (%...) are not allowed")
            }
            throw GreenroomError(
                .invalidIPAddress,
                "'\(text)' is not a peer address (expected 192.0.2.1, 192.0.2.1:4711, [2001:db8::1]:4711 or unix)"
            )
        }
        self = .ip(address, port: hop.port)
    }
}
