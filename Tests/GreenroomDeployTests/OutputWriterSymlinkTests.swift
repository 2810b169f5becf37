import Foundation
import GreenroomDeploy
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `generate --out` never writes through a symbolic link a local user planted: not at a file's
/// place (dangling or not, with or without `--force`), not as a directory below `--out`, and not as
/// `--out` itself unless the link is the invoking user's (or root's).
@Suite final class OutputWriterSymlinkTests {
    /// The output directory (`out`) and, beside it, the victim files a link points at.
    let root: String
    var out: String { root + "/out" }
    var victims: String { root + "/victims" }

    init() throws {
        root = NSTemporaryDirectory() + "greenroom-links-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/out", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/victims", withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func file(_ path: String, _ contents: String = "generated\n", _ target: GenerateTarget = .nginx) -> GeneratedFile {
        GeneratedFile(target: target, path: path, summary: "test", contents: contents)
    }

    /// A victim file with known contents and an old modification time.
    @discardableResult
    func victim(_ name: String) throws -> String {
        let path = "\(victims)/\(name)"
        try "precious\n".write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: 1_000_000)],
            ofItemAtPath: path
        )
        return path
    }

    /// The victim still has its contents and modification time.
    func expectUntouched(_ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(
            (try? String(contentsOfFile: path, encoding: .utf8)) == "precious\n",
            "\(path) was written through a link",
            sourceLocation: sourceLocation
        )
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        #expect(modified == Date(timeIntervalSince1970: 1_000_000), sourceLocation: sourceLocation)
    }

    func isLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    func contents(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    @Test func aLinkToAnExistingFileIsRefusedWithoutForce() throws {
        let target = try victim("shadow")
        try FileManager.default.createSymbolicLink(atPath: "\(out)/a.conf", withDestinationPath: target)
        let error = #expect(throws: WriteError.self) {
            try OutputWriter(directory: out).write([file("b.conf"), file("a.conf")], bySubdirectory: false)
        }
        #expect(error?.path == "\(out)/a.conf")
        #expect(error?.message.contains("is a symbolic link") == true, "\(String(describing: error))")
        #expect(error?.message.contains("--force") == true, "\(String(describing: error))")
        expectUntouched(target)
        #expect(isLink("\(out)/a.conf"))
        #expect(contents("\(out)/b.conf") == nil, "nothing is written when one file is refused")
    }

    @Test func aLinkWithTheSameContentsIsStillALink() throws {
        let target = "\(victims)/same"
        try "generated\n".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: "\(out)/a.conf", withDestinationPath: target)
        #expect(throws: WriteError.self) {
            try OutputWriter(directory: out).write([file("a.conf")], bySubdirectory: false)
        }
    }

    @Test func aDanglingLinkIsRefusedWithoutForceAndNothingIsCreated() throws {
        let target = "\(victims)/created-by-root"
        try FileManager.default.createSymbolicLink(atPath: "\(out)/a.conf", withDestinationPath: target)
        let error = #expect(throws: WriteError.self) {
            try OutputWriter(directory: out).write([file("a.conf")], bySubdirectory: false)
        }
        #expect(error?.message.contains("is a symbolic link") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(isLink("\(out)/a.conf"))
    }

    @Test(arguments: [true, false])
    func forceReplacesTheLinkItselfNeverItsTarget(dangling: Bool) throws {
        let target = dangling ? "\(victims)/created-by-root" : try victim("passwd")
        try FileManager.default.createSymbolicLink(atPath: "\(out)/a.conf", withDestinationPath: target)
        let results = try OutputWriter(directory: out, force: true).write([file("a.conf")], bySubdirectory: false)
        #expect(results.map(\.outcome) == [.written])
        #expect(!isLink("\(out)/a.conf"), "the link was replaced by a regular file")
        #expect(contents("\(out)/a.conf") == "generated\n")
        if dangling {
            #expect(!FileManager.default.fileExists(atPath: target))
        } else {
            expectUntouched(target)
        }
    }

    @Test func aHardLinkIsReplacedNotWrittenInto() throws {
        let target = try victim("hard")
        #expect(link(target, "\(out)/a.conf") == 0)
        _ = try OutputWriter(directory: out, force: true).write([file("a.conf")], bySubdirectory: false)
        #expect(contents("\(out)/a.conf") == "generated\n")
        expectUntouched(target)
    }

    @Test(arguments: [false, true])
    func aLinkedSubdirectoryBelowOutIsNeverFollowed(force: Bool) throws {
        // deploy-out/nginx planted as a link to a directory (think /etc/nginx/conf.d).
        let elsewhere = victims + "/conf.d"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let target = try victim("conf.d/greenroom.conf")
        try FileManager.default.createSymbolicLink(atPath: "\(out)/nginx", withDestinationPath: elsewhere)
        let error = #expect(throws: WriteError.self) {
            try OutputWriter(directory: out, force: force).write(
                [file("greenroom.conf"), file("new.conf")],
                bySubdirectory: true
            )
        }
        #expect(error?.path == "\(out)/nginx", "\(String(describing: error))")
        #expect(error?.message.contains("is a symbolic link") == true, "\(String(describing: error))")
        expectUntouched(target)
        #expect(!FileManager.default.fileExists(atPath: elsewhere + "/new.conf"))
    }

    @Test func aLinkedDirectoryInsideAFilesPathIsNeverFollowed() throws {
        let elsewhere = victims + "/units"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(out)/systemd", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(out)/systemd/10.0.0.1", withDestinationPath: elsewhere)
        #expect(throws: WriteError.self) {
            try OutputWriter(directory: out, force: true).write(
                [file("10.0.0.1/app.service", "s\n", .systemd)],
                bySubdirectory: true
            )
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    @Test func outItselfMayBeTheUsersOwnLink() throws {
        // The operator's own link (`--out /etc/nginx/sites-available` on a system where that is a
        // link) is where they asked the files to go.
        try FileManager.default.createSymbolicLink(atPath: "\(root)/mine", withDestinationPath: out)
        let results = try OutputWriter(directory: "\(root)/mine").write([file("a.conf")], bySubdirectory: false)
        #expect(results.map(\.path) == ["\(root)/mine/a.conf"])
        #expect(contents("\(out)/a.conf") == "generated\n")
    }

    /// Even a link of this user's (or root's) is not followed in a directory others may write to:
    /// they could have put it there (a hard link to one of root's links).
    @Test func outThroughALinkInADirectoryOthersMayWriteIsRefused() throws {
        let shared = root + "/shared"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        #expect(chmod(shared, 0o777) == 0)
        try FileManager.default.createSymbolicLink(atPath: "\(shared)/deploy-out", withDestinationPath: victims)
        let error = #expect(throws: WriteError.self) {
            try OutputWriter(directory: "\(shared)/deploy-out", force: true).write([file("x")], bySubdirectory: false)
        }
        #expect(error?.message.contains("other users may write to") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: victims + "/x"))
    }

    /// A directory another user owns is theirs to change, whatever its mode: they can swap a link
    /// of root's in it for one of their own between the check and the use.
    @Test func outThroughALinkInAnotherUsersDirectoryIsRefused() throws {
        guard geteuid() == 0 else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("CI runs the tests as root") }
            print("skipped: needs root to give a directory to another user")
            return
        }
        let theirs = root + "/theirs"
        try FileManager.default.createDirectory(atPath: theirs, withIntermediateDirectories: true)
        #expect(chmod(theirs, 0o755) == 0)
        try FileManager.default.createSymbolicLink(atPath: "\(theirs)/deploy-out", withDestinationPath: victims)
        #expect(chown(theirs, 65534, 65534) == 0)
        let error = #expect(throws: WriteError.self) {
            try OutputWriter(directory: "\(theirs)/deploy-out", force: true).write([file("x")], bySubdirectory: false)
        }
        #expect(error?.message.contains("a directory owned by uid 65534") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: victims + "/x"))
    }

    @Test func outThroughAnotherUsersLinkIsRefused() throws {
        guard geteuid() == 0 else {
            // Only root can give a link to another user; the property is what matters when root
            // runs generate, which is the case CI runs (as root).
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("CI runs the tests as root") }
            print("skipped: needs root to make a link owned by another user")
            return
        }
        // /tmp/deploy-out planted by another user as a link to a directory root will write into.
        let planted = "\(root)/deploy-out"
        try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: victims)
        #expect(lchown(planted, 65534, 65534) == 0)
        let error = #expect(throws: WriteError.self) {
            try OutputWriter(directory: planted, force: true).write([file("shadow")], bySubdirectory: false)
        }
        #expect(error?.path == planted, "\(String(describing: error))")
        #expect(error?.message.contains("symbolic link owned by uid 65534") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: victims + "/shadow"))
        // The same through a link further up the path.
        #expect(throws: WriteError.self) {
            try OutputWriter(directory: planted + "/sub", force: true).write([file("x")], bySubdirectory: false)
        }
        #expect(!FileManager.default.fileExists(atPath: victims + "/sub"))
    }

    /// A replaced file keeps its permissions, but never the set-id bits or write access for group
    /// and others a local user gave the file they planted (root's new file would keep them).
    @Test(arguments: [(0o640, 0o640), (0o644, 0o644), (0o666, 0o644), (0o4777, 0o755), (0o2664, 0o644)])
    func aReplacedFileKeepsItsModeButNotWritableOrSetID(planted: Int, kept: Int) throws {
        let path = "\(out)/a.conf"
        try "planted\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chmod(path, mode_t(planted)) == 0)
        _ = try OutputWriter(directory: out, force: true).write([file("a.conf")], bySubdirectory: false)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == kept, "planted \(String(planted, radix: 8)), got \(String(mode ?? -1, radix: 8))")
        #expect(contents(path) == "generated\n")
    }

    @Test func aFIFOInTheWayIsAnErrorNotAHang() throws {
        #expect(mkfifo("\(out)/a.conf", 0o600) == 0)
        let error = #expect(throws: WriteError.self) {
            try OutputWriter(directory: out, force: true).write([file("a.conf")], bySubdirectory: false)
        }
        #expect(error?.message.contains("not a regular file") == true, "\(String(describing: error))")
    }

    @Test func aNewFileComesFromATemporaryFileInTheSameDirectory() throws {
        let results = try OutputWriter(directory: out + "/new/deeper").write(
            [file("x.conf", "n\n", .nginx), file("10.0.0.1/x.service", "s\n", .systemd)],
            bySubdirectory: true
        )
        #expect(results.map(\.outcome) == [.written, .written])
        #expect(contents("\(out)/new/deeper/systemd/10.0.0.1/x.service") == "s\n")
        let names = try FileManager.default.subpathsOfDirectory(atPath: out)
        #expect(!names.contains { $0.contains(".greenroom-") }, "\(names)")
    }
}
