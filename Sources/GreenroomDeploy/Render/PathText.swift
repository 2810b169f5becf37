/// Joins and splits file paths as text, the way the CLI's users write them (no Foundation:
/// `NSString`'s path methods would link all of Foundation, and ICU with it, into the binary).
package enum PathText {
    /// `directory/name`, with one `/` between them; `name` alone when `directory` is empty.
    package static func join(_ directory: String, _ name: String) -> String {
        guard !directory.isEmpty else { return name }
        var trimmed = Substring(directory)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return trimmed == "/" ? "/" + name : "\(trimmed)/\(name)"
    }

    /// The directory part and the last component of `path`: `("a/b", "c")` for `a/b/c`,
    /// `("", "c")` for `c`, `("/", "c")` for `/c`, and an empty name for a path ending in `/`.
    package static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        let name = String(path[path.index(after: slash)...])
        var directory = Substring(path[..<slash])
        while directory.hasSuffix("/") { directory = directory.dropLast() }
        return (directory.isEmpty && path.hasPrefix("/") ? "/" : String(directory), name)
    }
}
