import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes generated files into a directory: atomically, and never over a file that differs
/// unless forced.
///
/// Each file is written to a temporary file in its destination directory, flushed to disk and
/// renamed over the destination, so a reader (nginx reloading, a crash halfway) never sees half
/// a file. Before anything is written, every destination is checked: if any existing file
/// differs and `force` is off, nothing at all is written, so a deployment is never half-updated.
/// A destination that is a symbolic link (`sites-enabled/x.conf`) is written through to its target.
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
    /// Overwrite files that differ.
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
        if bySubdirectory { path = (path as NSString).appendingPathComponent(file.target.rawValue) }
        return (path as NSString).appendingPathComponent(file.path)
    }

    /// Writes `files`, or nothing when any existing file differs and ``force`` is off.
    ///
    /// - Throws: ``WriteError`` naming every refused file, or the first file that could not be written.
    public func write(_ files: [GeneratedFile], bySubdirectory: Bool) throws(WriteError) -> [Result] {
        var plan: [(GeneratedFile, String, Outcome)] = []
        var refused: [String] = []
        for file in files {
            let shown = destination(of: file, bySubdirectory: bySubdirectory)
            let path = OutputWriter.resolvingSymlink(shown)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                if isDirectory.boolValue { throw WriteError(path: shown, "is a directory") }
                if FileManager.default.contents(atPath: path) == Data(file.contents.utf8) {
                    plan.append((file, shown, .unchanged))
                    continue
                }
                if !force { refused.append(shown) }
            }
            plan.append((file, shown, .written))
        }
        if !refused.isEmpty {
            throw WriteError(
                path: refused.joined(separator: ", "),
                "exists and differs from the generated file; nothing was written (use --force to overwrite)"
            )
        }
        var results: [Result] = []
        for (file, shown, outcome) in plan {
            if outcome == .written {
                try OutputWriter.writeAtomically(
                    Data(file.contents.utf8),
                    to: OutputWriter.resolvingSymlink(shown),
                    shownAs: shown
                )
            }
            results.append(Result(file: file, path: shown, outcome: outcome))
        }
        return results
    }

    static func resolvingSymlink(_ path: String) -> String {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { return path }
        if target.hasPrefix("/") { return target }
        return ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
    }

    /// Writes `data` to a temporary file beside `path`, flushes it and renames it into place,
    /// keeping an existing file's permissions (new files get 0644).
    public static func writeAtomically(_ data: Data, to path: String, shownAs shown: String? = nil) throws(WriteError) {
        let shown = shown ?? path
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory.isEmpty ? "." : directory,
                withIntermediateDirectories: true
            )
        } catch {
            throw WriteError(path: shown, "cannot create its directory (\(error.localizedDescription))")
        }
        var mode: mode_t = 0o644
        var info = stat()
        if stat(path, &info) == 0 { mode = info.st_mode & 0o7777 }
        let name = (path as NSString).lastPathComponent
        let temporary = ((directory.isEmpty ? "." : directory) as NSString)
            .appendingPathComponent(".\(name).greenroom-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw WriteError(path: shown, "cannot create a temporary file: \(String(cString: strerror(errno)))")
        }
        var failure: String? = nil
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        do {
            try handle.write(contentsOf: data)
        } catch {
            failure = error.localizedDescription
        }
        if failure == nil, fchmod(descriptor, mode) != 0 { failure = String(cString: strerror(errno)) }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw WriteError(path: shown, "cannot be written: \(failure)")
        }
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
