extension ClientAddress {
    /// What happened when `X-Forwarded-For` and `Forwarded` named different clients
    /// (``ForwardedResolver/HeaderPolicy/both``): the authoritative family decided, the other was
    /// overruled.
    ///
    /// A trusted proxy writes one family itself (the generated nginx, Apache and HAProxy replace
    /// `X-Forwarded-For`); a client that gets an element into the other family can make them
    /// disagree, but never change the answer, and never turn the proxy itself into the client.
    public struct Disagreement: Sendable, Hashable {
        /// The family whose answer is the client: ``Via/xForwardedFor`` or ``Via/forwarded``.
        public var decidedBy: Via
        /// The family that named someone else.
        public var overruled: Via
        /// The client the overruled family's walk reached; `nil` when it reached no hop (a
        /// malformed first element).
        public var overruledClient: IPAddress?
        /// Why the deciding family's walk stopped (``Decision/untrustedHop``, ...): the decision
        /// the result would have had without the other family.
        public var walkDecision: Decision

        /// Creates a disagreement record.
        @inlinable
        public init(decidedBy: Via, overruled: Via, overruledClient: IPAddress?, walkDecision: Decision) {
            self.decidedBy = decidedBy
            self.overruled = overruled
            self.overruledClient = overruledClient
            self.walkDecision = walkDecision
        }
    }
}
