import GreenroomCore

/// Which processes hold which sockets: the `socket:[inode]` links in `/proc/<pid>/fd`.
package struct SocketOwners: Sendable {
    /// A process holding a socket.
    package struct Process: Sendable, Hashable, CustomStringConvertible {
        /// The process id.
        package var pid: Int32
        /// Its command name (`/proc/<pid>/comm`).
        package var command: String
        /// Its effective uid (`Uid:` in `/proc/<pid>/status`), or `nil` when unreadable.
        package var effectiveUID: UInt32?

        /// Creates a process description.
        package init(pid: Int32, command: String, effectiveUID: UInt32?) {
            self.pid = pid
            self.command = command
            self.effectiveUID = effectiveUID
        }

        /// `python3 (pid 901)`.
        package var description: String { "\(command) (pid \(pid))" }
    }

    /// The processes holding each socket inode asked about (in pid order).
    package var processes: [UInt64: [Process]]
    /// `true` when some process's descriptors could not be read (another user's, without root),
    /// so a socket without owners may still have one.
    package var isIncomplete: Bool

    /// Scans `/proc` for the processes holding `inodes`.
    package init(inodes: Set<UInt64>, system: some LiveSystem) {
        var processes: [UInt64: [Process]] = [:]
        var incomplete = false
        guard !inodes.isEmpty else {
            self.init(processes: [:], isIncomplete: false)
            return
        }
        let pids = (system.directoryEntries("/proc") ?? []).compactMap { Int32($0) }.sorted()
        for pid in pids {
            guard let descriptors = system.directoryEntries("/proc/\(pid)/fd") else {
                // Gone meanwhile, or another user's; only the latter hides anything.
                if system.readText("/proc/\(pid)/comm") != nil { incomplete = true }
                continue
            }
            var held: [UInt64] = []
            for descriptor in descriptors {
                guard let link = system.symbolicLink("/proc/\(pid)/fd/\(descriptor)"),
                    let inode = ProcNet.socketInode(link: link), inodes.contains(inode), !held.contains(inode)
                else { continue }
                held.append(inode)
            }
            guard !held.isEmpty else { continue }
            let process = Self.describe(pid, system: system)
            for inode in held { processes[inode, default: []].append(process) }
        }
        self.init(processes: processes, isIncomplete: incomplete)
    }

    /// Creates a table from known values.
    package init(processes: [UInt64: [Process]], isIncomplete: Bool) {
        self.processes = processes
        self.isIncomplete = isIncomplete
    }

    /// The command name and effective uid of `pid`.
    static func describe(_ pid: Int32, system: some LiveSystem) -> Process {
        let command = system.readText("/proc/\(pid)/comm").map { String($0.split(separator: "\n").first ?? "") }
        var uid: UInt32? = nil
        if let status = system.readText("/proc/\(pid)/status") {
            for line in status.split(separator: "\n") where line.hasPrefix("Uid:") {
                // Uid: real effective saved filesystem
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if fields.count >= 3 { uid = UInt32(fields[2]) }
            }
        }
        return Process(pid: pid, command: command ?? "?", effectiveUID: uid)
    }
}
