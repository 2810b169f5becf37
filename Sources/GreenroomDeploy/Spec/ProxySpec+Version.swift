extension ProxySpec {
    /// `proxy.version`: the proxy's version on the target host (`"1.22"`, `1.25.1`), for syntax
    /// that changed between versions.
    ///
    /// Only nginx uses it today: 1.25.1 deprecated `listen ... http2` for `http2 on;`, which
    /// older nginx rejects. Without a version the generator writes what every version accepts.
    public struct Version: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// Major, minor and patch numbers (patch 0 when not written).
        public let major: Int
        /// The minor number.
        public let minor: Int
        /// The patch number.
        public let patch: Int

        /// Creates a version.
        public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
            self.major = major
            self.minor = minor
            self.patch = patch
        }

        /// Parses `MAJOR.MINOR` or `MAJOR.MINOR.PATCH` (decimal numbers), or returns `nil`.
        public init?(_ text: String) {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2 || parts.count == 3,
                parts.allSatisfy({
                    !$0.isEmpty && $0.count <= 6 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber)
                })
            else { return nil }
            let numbers = parts.compactMap { Int($0) }
            guard numbers.count == parts.count else { return nil }
            self.init(numbers[0], numbers[1], numbers.count == 3 ? numbers[2] : 0)
        }

        /// `1.25.1`.
        public var description: String { "\(major).\(minor).\(patch)" }

        /// Orders by major, then minor, then patch.
        public static func < (lhs: Version, rhs: Version) -> Bool {
            (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }

        /// The first nginx with the `http2` directive (and a deprecation warning for the old
        /// `listen ... http2` parameter).
        public static let nginxHTTP2Directive = Version(1, 25, 1)
    }
}
