/// What `greenroom explain` found: the resolved client, the trust it was judged by, and what a
/// PROXY header did. Printed as ``narrative`` or as ``json``.
package struct ExplainResult: Sendable, Hashable {
    /// The resolved client, exactly as the server's resolver returns it.
    package let client: ClientAddress
    /// The trusted proxies, to name the entry that trusted each hop.
    package let trusted: TrustedProxies
    /// What the PROXY header did, e.g. `PROXY v1 from trusted 127.0.0.1: source 203.0.113.7:4711`.
    package let proxyNote: String?

    /// The JSON object `GET /whoami` returns (``ClientAddress/json``).
    package var json: String { client.json }

    /// `json` or `narrative`.
    package func output(json: Bool) -> String { json ? self.json : narrative }
}
