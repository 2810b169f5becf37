#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes generated files into a directory: atomically, never over a file that differs unless
/// forced, and never through a symbolic link.
///
/// Each file is written to a temporary file in its destination directory (created with
/// `O_EXCL | O_NOFOLLOW`), flushed to disk and renamed over the destination, so a reader (nginx
/// reloading, a crash halfway) never sees half a file. Before anything is written, every
/// destination is checked: if any existing file differs and `force` is off, nothing at all is
/// written, so a deployment is never half-updated.
///
/// `generate` often runs as root, so a link a local user planted must not redirect it: a link at
/// a file's place is refused without `force`, and with `force` the link itself is replaced by the
/// file (its target is never opened); a link as a directory below the output directory
/// (`deploy-out/nginx` → `/etc`) is refused even with `force`; the output directory itself may be
/// reached through links only when they belong to the user running `generate` or to root (see
/// `OutputDirectory`).
public struct OutputWriter: Sendable {
    /// What happened to one file.
    public enum Outcome: String, Sendable, Hashable {
        /// Created or replaced.
        case written
        /// Already had exactly this content; left alone.
        case unchanged
    }

    /// One file's result.
    public struct Result: Sendable, Hashable {
        /// The generated file.
        public let file: GeneratedFile
        /// Where it is on disk.
        public let path: String
        /// What happened.
        public let outcome: Outcome
    }

    /// The output directory.
    public let directory: String
    /// Overwrite files that differ, and replace a symbolic link at a file's place (the link, never
    /// its target).
    public let force: Bool

    /// Creates a writer for `directory` (created if missing).
    public init(directory: String, force: Bool = false) {
        self.directory = directory
        self.force = force
    }

    /// The destination of `file`; with `bySubdirectory`, inside a directory named after its
    /// target (`nginx/greenroom.conf`), as `greenroom generate all` does.
    public func destination(of file: GeneratedFile, bySubdirectory: Bool) -> String {
        var path = directory
        if bySubdirectory { path = PathText.join(path, file.target.rawValue) }
        return PathText.join(path, file.path)
    }

    /// The directories below ``directory`` and the name of `file`'s destination.
    private func place(of file: GeneratedFile, bySubdirectory: Bool) -> (directories: [Substring], name: String) {
        var parts = file.path.split(separator: "/")
        let name = parts.popLast().map(String.init) ?? file.path
        if bySubdirectory { parts.insert(Substring(file.target.rawValue), at: 0) }
        return (parts, name)
    }

    /// Writes `files`, or nothing when any existing file differs (or is a symbolic link) and
    /// ``force`` is off.
    ///
    /// - Throws: ``WriteError`` naming every refused file, or the first file that could not be written.
    public func write(_ files: [GeneratedFile], bySubdirectory: Bool) throws(WriteError) -> [Result] {
        var plan: [(file: GeneratedFile, shown: String, outcome: Outcome, mode: mode_t)] = []
        var differing: [String] = []
        var links: [String] = []
        let root = try OutputDirectory.open(directory, create: false)
        for file in files {
            let shown = destination(of: file, bySubdirectory: bySubdirectory)
            let (directories, name) = place(of: file, bySubdirectory: bySubdirectory)
            let bytes = Array(file.contents.utf8)
            guard let parent = try root?.subdirectory(directories, create: false) else {
                plan.append((file, shown, .written, 0o644))
                continue
            }
            switch try parent.entry(name) {
            case .absent:
                plan.append((file, shown, .written, 0o644))
            case .link:
                if !force { links.append(shown) }
                plan.append((file, shown, .written, 0o644))
            case .directory:
                throw WriteError(path: shown, "is a directory")
            case .other:
                throw WriteError(path: shown, "is not a regular file (a FIFO, socket or device); remove it")
            case .file(let mode):
                if try parent.contents(of: name) == bytes {
                    plan.append((file, shown, .unchanged, mode))
                    continue
                }
                if !force { differing.append(shown) }
                plan.append((file, shown, .written, mode))
            }
        }
        if !links.isEmpty {
            throw WriteError(
                path: links.joined(separator: ", "),
                "is a symbolic link; nothing was written (generate never writes through a link: "
                    + "use --force to replace the link itself with the file, leaving its target alone)"
            )
        }
        if !differing.isEmpty {
            throw WriteError(
                path: differing.joined(separator: ", "),
                "exists and differs from the generated file; nothing was written (use --force to overwrite)"
            )
        }
        var results: [Result] = []
        var opened: [String: OutputDirectory] = [:]
        for (file, shown, outcome, mode) in plan {
            if outcome == .written {
                let (directories, name) = place(of: file, bySubdirectory: bySubdirectory)
                let key = directories.joined(separator: "/")
                let parent: OutputDirectory
                if let known = opened[key] {
                    parent = known
                } else {
                    guard let root = try OutputDirectory.open(directory, create: true),
                        let made = try root.subdirectory(directories, create: true)
                    else { throw WriteError(path: shown, "its directory could not be created") }
                    parent = made
                    opened[key] = made
                }
                // A link planted since the check above: still never replaced without --force.
                if !force, case .link = try parent.entry(name) {
                    throw WriteError(path: shown, "is a symbolic link; use --force to replace the link itself")
                }
                try parent.replace(name, with: Array(file.contents.utf8), mode: mode)
            }
            results.append(Result(file: file, path: shown, outcome: outcome))
        }
        return results
    }

    /// Writes `data` to a temporary file beside `path`, flushes it and renames it into place,
    /// keeping an existing regular file's permissions (new files get 0644).
    ///
    /// A symbolic link at `path` is replaced itself, never written through; the directory is
    /// reached as ``OutputWriter`` reaches its output directory (links only when they are this
    /// user's or root's), and created if missing.
    public static func writeAtomically(_ data: Data, to path: String, shownAs shown: String? = nil) throws(WriteError) {
        let shown = shown ?? path
        var (parentPath, name) = PathText.split(path)
        if parentPath.isEmpty { parentPath = "." }
        guard !name.isEmpty, name != ".", name != "..", !path.hasSuffix("/") else {
            throw WriteError(path: shown, "is not a file name")
        }
        guard let parent = try OutputDirectory.open(parentPath, create: true) else {
            throw WriteError(path: shown, "its directory could not be created")
        }
        var mode: mode_t = 0o644
        switch try parent.entry(name) {
        case .file(let existing): mode = existing
        case .directory: throw WriteError(path: shown, "is a directory")
        case .other: throw WriteError(path: shown, "is not a regular file (a FIFO, socket or device); remove it")
        case .absent, .link: break
        }
        try parent.replace(name, with: Array(data), mode: mode)
    }
}

/// A file that was not written.
public struct WriteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or files, comma-separated).
    public let path: String
    /// Why.
    public let message: String

    /// Creates an error.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}
