import GreenroomMustache

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Mustache templates that generated files are rendered from.
///
/// The built-in set is ``embedded``: `deploy/templates/*.mustache`, compiled into the binary by
/// the EmbedTemplatesPlugin build tool. ``loading(directory:)`` overlays a directory's
/// `*.mustache` files on it (`greenroom generate --templates DIR`), so a user can replace one
/// template or partial and keep the rest.
public struct TemplateSet: Sendable {
    /// Template text by name (file name without `.mustache`).
    public private(set) var sources: [String: String]
    /// Where each template came from: `built-in` or a file path.
    public private(set) var origins: [String: String]

    /// The templates built into this binary.
    public static var embedded: TemplateSet {
        TemplateSet(
            sources: EmbeddedResources.templates,
            origins: EmbeddedResources.templates.mapValues { _ in "built-in" }
        )
    }

    /// The template names, sorted.
    public var names: [String] { sources.keys.sorted() }

    /// The built-in templates with every `*.mustache` file of `directory` replacing (or adding)
    /// the template of the same name.
    ///
    /// - Throws: ``TemplateError`` when the directory cannot be read or holds no templates.
    public static func loading(directory: String) throws(TemplateError) -> TemplateSet {
        var set = TemplateSet.embedded
        let names: [String]
        switch FileKind(path: directory) {
        case .unreachable(let reason):
            throw TemplateError(file: directory, line: nil, "cannot read the template directory (\(reason))")
        case .file:
            throw TemplateError(file: directory, line: nil, "cannot read the template directory (not a directory)")
        case .directory:
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                throw TemplateError(
                    file: directory,
                    line: nil,
                    "cannot read the template directory (permission denied?)"
                )
            }
        }
        let templates = names.filter { $0.hasSuffix(".mustache") }.sorted()
        guard !templates.isEmpty else {
            throw TemplateError(file: directory, line: nil, "holds no *.mustache templates")
        }
        for file in templates {
            let path = PathText.join(directory, file)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else {
                throw TemplateError(file: path, line: nil, "cannot be read as UTF-8 text")
            }
            let name = String(file.dropLast(".mustache".count))
            set.sources[name] = text
            set.origins[name] = path
        }
        return set
    }

    /// Parses every template into a library (partials resolve by name).
    ///
    /// Templates render as plain text: values are never HTML-escaped. That is safe because every
    /// value that reaches a template was checked when the spec was decoded (no quotes, `;`,
    /// braces or newlines can get into a config file).
    func library() throws(TemplateError) -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in sources {
            do {
                try library.register(TemplateSet.textPragma + text, named: name)
            } catch let error as MustacheTemplate.ParserError {
                throw TemplateError(file: origins[name] ?? name, line: error.context.lineNumber, "\(error.error)")
            } catch {
                throw TemplateError(file: origins[name] ?? name, line: nil, "\(error)")
            }
        }
        return library
    }

    static let textPragma = "{{% CONTENT_TYPE: TEXT}}"
}

/// A template that cannot be read or parsed.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The template file (or `built-in` name).
    public let file: String
    /// The line, when known.
    public let line: Int?
    /// What went wrong.
    public let message: String

    /// Creates an error.
    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}
