/// Path arithmetic for configuration includes, on `/`-separated strings (no Foundation).
package enum ConfigPath {
    /// `true` for a path that starts with `/`.
    package static func isAbsolute(_ path: String) -> Bool { path.utf8.first == UInt8(ascii: "/") }

    /// `path` when it is absolute, otherwise `base/path` (as nginx and Apache resolve includes).
    package static func resolve(_ path: String, against base: String) -> String {
        if isAbsolute(path) || base.isEmpty { return path }
        return base.utf8.last == UInt8(ascii: "/") ? base + path : base + "/" + path
    }

    /// The directory part of `path` (`/etc/nginx` for `/etc/nginx/nginx.conf`); `.` for a bare
    /// name, `/` for a file in the root.
    package static func directory(of path: String) -> String {
        let bytes = Array(path.utf8)
        var end = bytes.count
        while end > 1 && bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        guard let slash = bytes[..<end].lastIndex(of: UInt8(ascii: "/")) else { return "." }
        if slash == 0 { return "/" }
        return String(decoding: bytes[..<slash], as: UTF8.self)
    }

    /// The last component of `path`.
    package static func lastComponent(of path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return parts.last.map(String.init) ?? path
    }

    /// Removes empty and `.` components and folds `..` into its parent, without touching the
    /// disk. A relative path stays relative.
    package static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", isAbsolute(path) { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if isAbsolute(path) { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// `path` with glob(3)'s special characters (`*`, `?`, `[`, `\\`) escaped, so a directory
    /// name that holds them matches only itself in a pattern built from it.
    package static func escapeGlob(_ path: String) -> String {
        var out = ""
        for character in path {
            if "*?[\\".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// `true` when the text contains a glob character (`*`, `?` or `[`), the test nginx applies
    /// (`strpbrk(file, "*?[")`) before it globs an include.
    package static func hasGlobCharacters(_ path: String) -> Bool {
        path.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
    }
}
