import GreenroomConfigParsing
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

/// One corpus case: a configuration file, the app it is checked against, and exactly the rule
/// ids it must produce.
struct CorpusRow: Sendable, CustomTestStringConvertible {
    let file: String
    let app: AppVariant
    let rules: Set<String>
    var testDescription: String { "\(file) [\(app)] → \(rules.sorted().joined(separator: ","))" }

    init(_ file: String, _ app: AppVariant, _ rules: Set<String>) {
        self.file = file
        self.app = app
        self.rules = rules
    }

    /// `report` has exactly this row's rule ids, each finding located, with a message and a fix.
    func expectExactly(_ report: Report) throws {
        let found = Set(report.findings.map(\.rule.description))
        #expect(found == rules, "\(report.render(.human))")
        for finding in report.findings {
            let location = try #require(finding.location)
            #expect(location.line >= 1 && location.column >= 1)
            #expect(!finding.message.isEmpty && !finding.fix.isEmpty)
        }
    }
}

/// The app expectations the corpus rows refer to by name.
enum AppVariant: String, Sendable, CustomTestStringConvertible {
    case none, standard, unix, proxyProtocol, webSocket, hopsTwo, instances, behindBalancer, trustsPrivate

    var testDescription: String { rawValue }

    var expectation: AppExpectation? {
        let local = BindTarget.tcp(host: "127.0.0.1", port: 8000)
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
