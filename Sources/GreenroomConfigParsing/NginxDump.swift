/// Reads the output of `nginx -T`: every configuration file nginx read, each introduced by a
/// `# configuration file PATH:` line and followed by one extra newline.
///
/// Lets the guard check exactly what a running nginx loaded (e.g. from a container: `docker exec
/// web nginx -T | greenroom check --nginx -`) and lets tests compare our include resolution with
/// nginx's. A file whose own text contains a line of that exact form would be split there.
package enum NginxDump {
    private static let marker = Array("# configuration file ".utf8)

    /// The files in the dump, in nginx's reading order (main file first).
    package static func files(from dump: [UInt8]) -> [(path: String, contents: [UInt8])] {
        var headers: [(start: Int, contentStart: Int, path: String)] = []
        var lineStart = 0
        while lineStart < dump.count {
            let lineEnd = dump[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? dump.count
            let line = dump[lineStart..<lineEnd]
            if line.starts(with: marker), line.last == UInt8(ascii: ":") {
                let path = String(decoding: line.dropFirst(marker.count).dropLast(), as: UTF8.self)
                headers.append((lineStart, min(lineEnd + 1, dump.count), path))
            }
            lineStart = lineEnd + 1
        }
        var files: [(path: String, contents: [UInt8])] = []
        for (index, header) in headers.enumerated() {
            var end = index + 1 < headers.count ? headers[index + 1].start : dump.count
            if end > header.contentStart && dump[end - 1] == UInt8(ascii: "\n") { end -= 1 }
            files.append((header.path, Array(dump[header.contentStart..<max(end, header.contentStart)])))
        }
        return files
    }

    /// The dump as an in-memory file system, and the main file's path.
    package static func fileSystem(from dump: [UInt8]) -> (fileSystem: InMemoryFileSystem, mainFile: String)? {
        let files = files(from: dump)
        guard let main = files.first else { return nil }
        var fileSystem = InMemoryFileSystem()
        for file in files { fileSystem.write(file.contents, to: file.path) }
        return (fileSystem, main.path)
    }
}
