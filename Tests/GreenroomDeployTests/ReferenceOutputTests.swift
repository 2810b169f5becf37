import Foundation
import GreenroomDeploy
import Testing

/// The checked-in reference configurations (`nginx/`, `deploy/apache`, `deploy/haproxy`,
/// `deploy/systemd`) must be exactly what the templates render from the example spec.
///
/// After changing a template, refresh them with
/// `GREENROOM_UPDATE_REFERENCE=1 swift test --filter ReferenceOutputTests`.
@Suite struct ReferenceOutputTests {
    static let updating = ProcessInfo.processInfo.environment["GREENROOM_UPDATE_REFERENCE"] == "1"

    @Test func referenceFilesMatchTheTemplates() throws {
        for reference in ReferenceConfig.all(example: try exampleSpec()) {
            #expect(reference.spec.problems().isEmpty, "\(reference.directory): \(reference.spec.problems())")
            for file in try Generator(spec: reference.spec).files(for: reference.target) {
                let path = "\(packageRoot)/\(reference.directory)/\(file.path)"
                if Self.updating {
                    try OutputWriter.writeAtomically(Data(file.contents.utf8), to: path)
                    continue
                }
                let checkedIn = try? String(contentsOfFile: path, encoding: .utf8)
                #expect(
                    checkedIn == file.contents,
                    "\(reference.directory)/\(file.path) drifted from the templates; run GREENROOM_UPDATE_REFERENCE=1 swift test --filter ReferenceOutputTests"
                )
            }
        }
    }

    @Test func everyReferenceFileIsProducedByAVariant() throws {
        var produced = Set<String>()
        for reference in ReferenceConfig.all(example: try exampleSpec()) {
            for file in try Generator(spec: reference.spec).files(for: reference.target) {
                produced.insert("\(reference.directory)/\(file.path)")
            }
        }
        var onDisk = Set<String>()
        for top in ["nginx", "deploy"] {
            let root = "\(packageRoot)/\(top)"
            for case let path as String in FileManager.default.enumerator(atPath: root) ?? .init()
            where [".conf", ".cfg", ".service", ".socket", ".yaml"].contains(where: path.hasSuffix) {
                onDisk.insert("\(top)/\(path)")
            }
        }
        #expect(onDisk == produced, "stale reference files: \(onDisk.subtracting(produced).sorted())")
    }
}

@Suite struct ExampleSpecTests {
    @Test func theExampleFileIsExactlyWhatInitWrites() throws {
        #expect(try packageFile("deploy/greenroom.example.yml") == DeploymentSpec.exampleText)
    }

    @Test func theEmbeddedTemplatesAreTheFilesInDeployTemplates() throws {
        let directory = "\(packageRoot)/deploy/templates"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".mustache") }
        let embedded = TemplateSet.embedded
        #expect(
            Set(names.map { String($0.dropLast(".mustache".count)) }) == Set(embedded.names),
            "the embedded templates are stale: after adding or removing a template, touch Package.swift"
        )
        for name in names {
            let text = try String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8)
            #expect(
                embedded.sources[String(name.dropLast(".mustache".count))] == text,
                "\(name) is stale in the build (after adding or removing a template, touch Package.swift)"
            )
        }
    }

    @Test func theExampleIsValidAndGeneratesEveryTarget() throws {
        let spec = try exampleSpec()
        let generator = try Generator(spec: spec)
        #expect(generator.allTargets == [.nginx, .systemd])
        for target in GenerateTarget.allCases where target != .kubernetes {
            #expect(try !generator.files(for: target).isEmpty)
        }
        // The example's kubernetes: section is commented out: there is no cluster to generate for.
        #expect(specError { _ = try generator.files(for: .kubernetes) }?.keyPath == "kubernetes")
    }
}

/// `init` writes a spec that works on any machine as it is (plain HTTP for localhost), with the
/// production settings commented beside it; the reference files use those production settings.
@Suite struct ProductionExampleTests {
    /// The example's text with the lines marked "production" uncommented, as a user would.
    static func uncommented(_ text: String) throws -> String {
        var out: [String] = []
        var inBlock = false
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("  server_names: [localhost]") {
                out.append("  server_names: [example.com, www.example.com]")
            } else if line.hasPrefix("    # https: ") {
                out.append("    " + line.dropFirst("    # ".count))
            } else if line.hasPrefix("  # tls:") || line.hasPrefix("  # hsts:") || line.hasPrefix("  # redirect_http:")
            {
                out.append("  " + line.dropFirst("  # ".count))
                inBlock = !line.hasPrefix("  # redirect_http:")
            } else if inBlock, line.hasPrefix("  #   ") {
                // haproxy_pem stays as the comment says: derived from the certificate and key.
                out.append(line.contains("haproxy_pem") ? "    # haproxy_pem" : "    " + line.dropFirst("  #   ".count))
            } else {
                inBlock = false
                out.append(line)
            }
        }
        return out.joined(separator: "\n")
    }

    @Test func theCommentedProductionSettingsAreWhatTheReferenceFilesUse() throws {
        let text = try packageFile("deploy/greenroom.example.yml")
        let production = try DeploymentSpec(yaml: try Self.uncommented(text), file: "greenroom.example.yml")
        #expect(production.proxy == ReferenceConfig.production(try literalExampleSpec()).proxy)
        #expect(production.proxy.tls != nil && production.proxy.redirectHTTP)
    }

    @Test func asWrittenTheExampleIsPlainHTTPForLocalhost() throws {
        let spec = try literalExampleSpec()
        #expect(spec.proxy.serverNames == ["localhost"])
        #expect(spec.proxy.tls == nil && spec.proxy.httpsListen.isEmpty && !spec.proxy.redirectHTTP)
        let site = try render(spec, .nginx)
        #expect(!site.contains("ssl_certificate") && !site.contains("/etc/letsencrypt"), "\(site)")
    }
}
