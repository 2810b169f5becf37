import GreenroomCore
import GreenroomDeploy

extension SpecChecker {
    /// Groups that are root in all but name, or read what only administrators should, with why.
    /// (`root` itself is refused by the loader.)
    static let privilegedGroups: [String: String] = [
        "sudo": "its members may become root with sudo",
        "wheel": "its members may become root with sudo or su",
        "admin": "its members may become root with sudo",
        "adm": "it reads the system's logs",
        "systemd-journal": "it reads every service's journal",
        "disk": "it reads and writes the raw disks, which is root",
        "kmem": "it reads kernel memory",
        "shadow": "it reads the password hashes in /etc/shadow",
        "docker": "it may use the Docker socket, which starts containers as root",
        "lxd": "it controls LXD, which starts containers as root",
        "libvirt": "it controls virtual machines and their disks",
        "staff": "it may write /usr/local, where root's PATH finds programs (Debian)",
    ]

    /// Directories that are the system itself: `systemd.read_write_paths` may name neither them
    /// nor anything inside them.
    static let systemDirectories: Set<String> = [
        "/etc", "/usr", "/boot", "/efi", "/root", "/proc", "/sys", "/dev", "/bin", "/sbin", "/lib", "/lib32",
        "/lib64", "/libx32",
    ]

    /// Directories shared by every service: too broad to open whole (their subdirectories are fine).
    static let sharedDirectories: Set<String> = [
        "/", "/var", "/var/lib", "/var/log", "/var/cache", "/var/spool", "/run", "/srv", "/opt", "/home", "/mnt",
        "/media",
    ]

    /// GR005: `systemd.group` is a group that is root in all but name.
    func groupFindings() -> [Finding] {
        guard let group = spec.systemd.group, let why = Self.privilegedGroups[group] else { return [] }
        return [
            Rule.specRootUser.finding(
                at: at("systemd.group"),
                "systemd.group: \(group) gives the app far more than its own files: \(why)",
                fix: "use the app's own group (or the proxy's, for a unix socket), or remove systemd.group"
            )
        ]
    }

    /// GR012: `systemd.read_write_paths` opens a system directory (or a shared one whole) for
    /// writing, undoing `ProtectSystem=strict` there.
    func writablePathFindings() -> [Finding] {
        guard spec.systemd.hardening else { return [] }  // no sandbox to undo: sandboxFindings() says so
        var findings: [Finding] = []
        for (index, path) in spec.systemd.readWritePaths.enumerated() {
            let normal = "/" + path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
            let system = Self.systemDirectories.first { normal == $0 || normal.hasPrefix($0 + "/") }
            let what: String
            if let system {
                what = normal == system ? "is the system's \(system)" : "is inside the system's \(system)"
            } else if Self.sharedDirectories.contains(normal) {
                what = normal == "/" ? "is the whole file system" : "is \(normal) whole, shared by every service"
            } else {
                continue
            }
            findings.append(
                Rule.specSandbox.finding(
                    at: at("systemd.read_write_paths[\(index)]", else: "systemd.read_write_paths"),
                    "systemd.read_write_paths[\(index)]: \(path) \(what): ReadWritePaths= lets the app write "
                        + "there despite ProtectSystem=strict",
                    fix: "list only the app's own directories, e.g. /var/lib/\(spec.app.name)"
                )
            )
        }
        return findings
    }
}
