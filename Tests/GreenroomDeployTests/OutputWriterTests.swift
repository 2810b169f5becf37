import Foundation
import GreenroomDeploy
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite final class OutputWriterTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "greenroom-writer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func file(_ path: String, _ contents: String, _ target: GenerateTarget = .nginx) -> GeneratedFile {
        GeneratedFile(target: target, path: path, summary: "test", contents: contents)
    }

    func read(_ path: String) -> String? { try? String(contentsOfFile: "\(directory)/\(path)", encoding: .utf8) }

    func leftovers() throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: directory).filter { $0.contains(".greenroom-") }
    }

    @Test func writesNewFilesAndReportsUnchangedOnes() throws {
        let writer = OutputWriter(directory: directory)
        let first = try writer.write([file("a.conf", "one\n")], bySubdirectory: false)
        #expect(first.map(\.outcome) == [.written])
        #expect(read("a.conf") == "one\n")
        let second = try writer.write([file("a.conf", "one\n")], bySubdirectory: false)
        #expect(second.map(\.outcome) == [.unchanged])
        #expect(try leftovers().isEmpty)
    }

    @Test func refusesToOverwriteADifferingFileAndWritesNothing() throws {
        try "mine\n".write(toFile: "\(directory)/a.conf", atomically: true, encoding: .utf8)
        let writer = OutputWriter(directory: directory)
        #expect(throws: WriteError.self) {
            try writer.write([file("b.conf", "new\n"), file("a.conf", "generated\n")], bySubdirectory: false)
        }
        #expect(read("a.conf") == "mine\n")
        #expect(read("b.conf") == nil, "nothing is written when one file is refused")
        let forced = try OutputWriter(directory: directory, force: true).write(
            [file("a.conf", "generated\n")],
            bySubdirectory: false
        )
        #expect(forced.map(\.outcome) == [.written])
        #expect(read("a.conf") == "generated\n")
    }

    @Test func allGoesIntoSubdirectoriesByTarget() throws {
        let results = try OutputWriter(directory: directory).write(
            [file("x.conf", "n\n", .nginx), file("10.0.0.1/x.service", "s\n", .systemd)],
            bySubdirectory: true
        )
        #expect(results.map(\.path) == ["\(directory)/nginx/x.conf", "\(directory)/systemd/10.0.0.1/x.service"])
        #expect(read("systemd/10.0.0.1/x.service") == "s\n")
    }

    @Test func aDirectoryInTheWayIsAnError() throws {
        try FileManager.default.createDirectory(atPath: "\(directory)/a.conf", withIntermediateDirectories: true)
        #expect(throws: WriteError.self) {
            try OutputWriter(directory: directory, force: true).write([file("a.conf", "x")], bySubdirectory: false)
        }
    }
}

@Suite struct TemplateSetTests {
    @Test func aDirectoryOverridesSomeTemplatesAndKeepsTheRest() throws {
        let directory = NSTemporaryDirectory() + "greenroom-templates-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "# custom for {{name}} -> {{#servers}}{{.}}{{/servers}}\n".write(
            toFile: "\(directory)/nginx-site.mustache",
            atomically: true,
            encoding: .utf8
        )
        let templates = try TemplateSet.loading(directory: directory)
        #expect(templates.origins["nginx-site"] == "\(directory)/nginx-site.mustache")
        #expect(templates.origins["haproxy"] == "built-in")
        let text = try Generator(spec: try spec(""), templates: templates).files(for: .nginx)[0].contents
        #expect(text == "# custom for greenroom -> 127.0.0.1:8000\n")
    }

    @Test func valuesAreNotHTMLEscaped() throws {
        let text = try render(try spec("proxy:\n  websocket_paths: [/ws/]\n"), .nginx)
        #expect(text.contains("''      '';"))
        #expect(!text.contains("&#39;") && !text.contains("&quot;"))
    }

    @Test func aBrokenTemplateIsReportedWithItsFileAndLine() throws {
        let directory = NSTemporaryDirectory() + "greenroom-templates-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "line one\n{{#open}}\nnever closed\n".write(
            toFile: "\(directory)/haproxy.mustache",
            atomically: true,
            encoding: .utf8
        )
        let templates = try TemplateSet.loading(directory: directory)
        #expect(throws: TemplateError.self) { try Generator(spec: try spec(""), templates: templates) }
        #expect(throws: TemplateError.self) { try TemplateSet.loading(directory: "/nonexistent-templates") }
    }
}
