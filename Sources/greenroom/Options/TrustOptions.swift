import ArgumentParser
import GreenroomCore

/// The trust flags `greenroom serve` and `greenroom explain` share; ``settings()`` parses them
/// with GreenroomCore's ``TrustSettings``.
struct TrustOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "A trusted proxy: a CIDR block, an address, 'loopback' or 'unix'. Repeatable. Default: loopback.",
            valueName: "CIDR"
        )
    )
    var trust: [String] = []

    @Flag(
        name: .customLong("trust-all-i-know"),
        help: "Allow --trust entries that match every address (*, 0.0.0.0/0, ::/0): any client could forge its address."
    )
    var trustAll = false

    @Option(help: "Which forwarding headers to read: x-forwarded, forwarded or both. Default: x-forwarded.")
    var forwardedHeaders: ForwardedResolver.HeaderPolicy?

    @Option(
        help: """
            With --forwarded-headers both, the family that decides when X-Forwarded-For and Forwarded \
            disagree: the one your proxy writes itself, x-forwarded or forwarded. Default: x-forwarded \
            (the generated nginx, Apache and HAProxy replace X-Forwarded-For).
            """
    )
    var authoritativeHeaders: ForwardedResolver.HeaderFamily?

    @Option(
        help: ArgumentHelp(
            "Take the N-th forwarding hop from the right (1-64) instead of walking the trusted hops.",
            valueName: "N"
        )
    )
    var hops: Int?

    /// The flags, parsed; the error names the flag.
    func settings() throws(FlagError) -> TrustSettings {
        try TrustSettings(
            trust: trust,
            trustEverything: trustAll,
            forwardedHeaders: forwardedHeaders,
            authoritativeHeaders: authoritativeHeaders,
            hops: hops
        )
    }
}

extension ForwardedResolver.HeaderPolicy: ExpressibleByArgument {}
extension ForwardedResolver.HeaderFamily: ExpressibleByArgument {}
