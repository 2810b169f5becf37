import Foundation
import GreenroomDeploy

/// The package's root directory, found from this file's path.
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// Reads a file of the package.
func packageFile(_ path: String) throws -> String {
    try String(contentsOfFile: (packageRoot as NSString).appendingPathComponent(path), encoding: .utf8)
}

/// The example spec as checked in, with its production settings on (TLS, server names): what
/// the reference files are rendered from.
func exampleSpec() throws -> DeploymentSpec {
    ReferenceConfig.production(try literalExampleSpec())
}

/// The example spec exactly as `greenroom init` writes it (plain HTTP for localhost).
func literalExampleSpec() throws -> DeploymentSpec {
    try DeploymentSpec(yaml: packageFile("deploy/greenroom.example.yml"), file: "greenroom.example.yml")
}

/// A spec from YAML text, named `greenroom.yml` in errors.
func spec(_ yaml: String) throws -> DeploymentSpec { try DeploymentSpec(yaml: yaml) }

/// The one file generated for `target` (for systemd: the one service unit; its `.socket` unit
/// comes with it).
func render(_ spec: DeploymentSpec, _ target: GenerateTarget) throws -> String {
    let files = try Generator(spec: spec).files(for: target).filter { !$0.path.hasSuffix(".socket") }
    guard files.count == 1 else { throw TestFailure("expected one \(target) file, got \(files.map(\.path))") }
    return files[0].contents
}

/// The error thrown by `body`, if it is a ``SpecError``.
func specError(_ body: () throws -> Void) -> SpecError? {
    do {
        try body()
        return nil
    } catch let error as SpecError {
        return error
    } catch {
        return nil
    }
}

/// The lines of `text` with surrounding spaces removed.
func lines(_ text: String) -> [String] {
    text.split(separator: "\n").map { String($0.drop { $0 == " " }) }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
