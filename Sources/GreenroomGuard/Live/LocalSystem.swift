import GreenroomCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The running system, read through POSIX calls: `/proc` files, `getifaddrs(3)`, non-blocking
/// `connect(2)`, `lstat(2)`, `getgrgid_r(3)` and `getpwuid_r(3)`.
public struct LocalSystem: LiveSystem {
    /// The largest `/proc` file read (a busy host's `/proc/net/tcp` runs to megabytes).
    public var maximumTextSize: Int

    /// Creates the system reader.
    public init(maximumTextSize: Int = 64 << 20) { self.maximumTextSize = maximumTextSize }

    public func readText(_ path: String) -> String? {
        // /proc files report size 0: read until end of file, in chunks.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bytes.count <= maximumTextSize {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        guard bytes.count <= maximumTextSize else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func directoryEntries(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func symbolicLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func interfaceAddresses() -> [InterfaceAddress] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var result: [InterfaceAddress] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard entry.pointee.ifa_flags & UInt32(IFF_UP) != 0, let raw = entry.pointee.ifa_addr else { continue }
            let name = String(cString: entry.pointee.ifa_name)
            switch Int32(raw.pointee.sa_family) {
            case AF_INET:
                let address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
                result.append(
                    InterfaceAddress(
                        interface: name,
                        address: IPAddress(ipv4: UInt32(bigEndian: address.sin_addr.s_addr))
                    )
                )
            case AF_INET6:
                let address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
                let bytes = withUnsafeBytes(of: address.sin6_addr) { Array($0) }
                guard let ip = try? IPAddress(bytes: bytes) else { continue }
                result.append(InterfaceAddress(interface: name, address: ip, scopeID: address.sin6_scope_id))
            default:
                continue
            }
        }
        return result
    }

    public func fileStatus(_ path: String) -> FileStatus? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let kind: FileStatus.Kind
        switch info.st_mode & S_IFMT {
        case S_IFSOCK: kind = .socket
        case S_IFDIR: kind = .directory
        default: kind = .other
        }
        return FileStatus(kind: kind, mode: UInt32(info.st_mode & 0o7777), uid: info.st_uid, gid: info.st_gid)
    }

    public func groupName(_ gid: UInt32) -> String? {
        var group = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getgrgid_r(gid, &group, &buffer, buffer.count, &result) == 0, result != nil, let name = group.gr_name
        else {
            return nil
        }
        return String(cString: name)
    }

    public func userName(_ uid: UInt32) -> String? {
        var user = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getpwuid_r(uid, &user, &buffer, buffer.count, &result) == 0, result != nil, let name = user.pw_name else {
            return nil
        }
        return String(cString: name)
    }
}
