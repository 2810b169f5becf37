import GreenroomCore
import GreenroomServer
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The three ways a test server listens.
enum Transport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case ipv4
    case ipv6
    case unix

    var testDescription: String { rawValue }

    /// A fresh bind target: port 0 on loopback, or a new socket path under /tmp.
    func bind() -> BindTarget {
        switch self {
        case .ipv4: .tcp(host: "127.0.0.1", port: 0)
        case .ipv6: .tcp(host: "::1", port: 0)
        case .unix: .unix(path: "/tmp/greenroom-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock")
        }
    }

    /// The test configuration for this transport; unix peers are trusted like loopback ones.
    func configuration() -> ServerConfiguration {
        var configuration = TestServer.configuration(bind())
        if self == .unix { configuration.trustedProxies = TrustedProxiesFixtures.loopbackAndUnix }
        return configuration
    }
}

enum TrustedProxiesFixtures {
    static let loopbackAndUnix = TrustedProxies(entries: [.loopback, .unix])
}
