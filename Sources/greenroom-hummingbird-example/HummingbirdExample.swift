#if Hummingbird
// A Hummingbird 2 app behind nginx on Greenroom's trust layer: `GET /` and `GET /whoami`, and
// `greenroom serve`'s trust flags. Build with the trait:
//   swift run --traits Hummingbird greenroom-hummingbird-example --port 8000
import ArgumentParser
import Foundation
import GreenroomHummingbird
import Hummingbird

@main
struct HummingbirdExample: AsyncParsableCommand {
    @Option var host = "127.0.0.1"
    @Option var port = 8000
    @Option(help: "A trusted proxy (CIDR, address, loopback, unix). Repeatable. Default: loopback.")
    var trust: [String] = []
    @Option(help: "off, optional or required.") var proxyProtocol = "off"
    @Option(help: "x-forwarded, forwarded or both.") var forwardedHeaders = "x-forwarded"

    func run() async throws {
        let router = Router(context: BasicGreenroomRequestContext.self)
        router.get("/") { _, _ in "Hello, World!" }
        router.get("/whoami") { _, context in ClientAddressResponse(context.client) }

        let app: Application<RouterResponder<BasicGreenroomRequestContext>>
        do {
            let greenroom = try GreenroomOptions(
                trust: trust,
                proxyProtocol: proxyProtocol,
                forwardedHeaders: forwardedHeaders
            )
            app = try Application(
                router: router,
                greenroom: greenroom,
                configuration: .init(address: .hostname(host, port: port))
            )
        } catch let refusal as DeploymentPolicyRefusal {
            // One line per violated rule, `greenroom: ...; <fix> [GR001]`, and serve's exit status.
            FileHandle.standardError.write(Data("\(refusal)\n".utf8))
            throw ExitCode(2)
        } catch {
            FileHandle.standardError.write(Data("greenroom: \(error)\n".utf8))  // a bad flag: `--trust: ...`
            throw ExitCode(2)
        }
        try await app.runService()
    }
}
#else
import ArgumentParser

/// Built without the `Hummingbird` trait. Still a command, so that tools which ask every
/// executable for its help (swift-argument-parser's generate-manual plugin) get an answer.
@main
struct HummingbirdExample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Built without the Hummingbird trait: swift run --traits Hummingbird greenroom-hummingbird-example"
    )

    func run() throws {
        print(Self.configuration.abstract)
        throw ExitCode.failure
    }
}
#endif
