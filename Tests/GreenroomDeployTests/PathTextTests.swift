import Testing

@testable import GreenroomDeploy

/// `PathText` joins and splits paths as `NSString`'s path methods did for the CLI's inputs.
@Suite struct PathTextTests {
    @Test(arguments: [
        ("deploy-out", "nginx", "deploy-out/nginx"),
        ("deploy-out/", "greenroom.conf", "deploy-out/greenroom.conf"),
        ("deploy-out//", "greenroom.conf", "deploy-out/greenroom.conf"),
        ("/", "etc", "/etc"),
        ("", "greenroom.yml", "greenroom.yml"),
        ("/etc/nginx/sites-enabled", "greenroom.conf", "/etc/nginx/sites-enabled/greenroom.conf"),
    ])
    func joins(_ directory: String, _ name: String, _ expected: String) {
        #expect(PathText.join(directory, name) == expected)
    }

    @Test(arguments: [
        ("greenroom.yml", "", "greenroom.yml"),
        ("/etc/greenroom/greenroom.yml", "/etc/greenroom", "greenroom.yml"),
        ("/greenroom.yml", "/", "greenroom.yml"),
        ("a//b", "a", "b"),
        ("dir/", "dir", ""),
        ("./x", ".", "x"),
    ])
    func splits(_ path: String, _ directory: String, _ name: String) {
        let parts = PathText.split(path)
        #expect(parts.directory == directory && parts.name == name)
    }

    @Test func fileKindFollowsLinksAndNamesTheReason() {
        #expect(FileKind(path: "/") == .directory)
        #expect(FileKind(path: "/proc/self/exe") == .file)
        #expect(FileKind(path: "/nonexistent-greenroom") == .unreachable(reason: "No such file or directory"))
    }
}
