import GreenroomCore
import GreenroomGuard
import Testing

/// Where the test corpus lives: next to this file, in the source tree (declared `exclude` in
/// Package.swift so SwiftPM neither builds nor bundles it).
enum Corpus {
    static let directory: String = {
        let file = "\(#filePath)"
        return ConfigPath.directory(of: file) + "/Corpus"
    }()

    /// The package's root directory.
    static let packageRoot = ConfigPath.directory(of: ConfigPath.directory(of: ConfigPath.directory(of: directory)))

    static func nginx(_ name: String) -> String { "\(directory)/nginx/\(name)" }
    static func apache(_ name: String) -> String { "\(directory)/apache/\(name)" }
}

/// The app expectations the corpus rows refer to by name.
enum AppVariant: String, Sendable, CustomTestStringConvertible {
    case none, standard, unix, proxyProtocol, webSocket, hopsTwo, instances, behindBalancer, trustsPrivate

    var testDescription: String { rawValue }

    var expectation: AppExpectation? {
        let local = AppExpectation.Bind.tcp(host: "127.0.0.1", port: 8000)
        switch self {
        case .none:
            return nil
        case .standard:
            return AppExpectation(binds: [local])
        case .unix:
            return AppExpectation(
                binds: [.unix(path: "/run/greenroom/app.sock")],
                trust: try! TrustedProxies(parsing: ["unix"])
            )
        case .proxyProtocol:
            return AppExpectation(binds: [local], proxyProtocol: .required)
        case .webSocket:
            return AppExpectation(binds: [local], websocketPaths: ["/ws"])
        case .hopsTwo:
            return AppExpectation(binds: [local], hops: 2)
        case .instances:
            return AppExpectation(binds: [local, .tcp(host: "127.0.0.1", port: 8001)])
        case .behindBalancer:
            return AppExpectation(binds: [local], outerProxies: [CIDR("10.0.0.10/32")!])
        case .trustsPrivate:
            return AppExpectation(binds: [local], trust: try! TrustedProxies(parsing: ["10.0.0.0/8"]))
        }
    }
}
