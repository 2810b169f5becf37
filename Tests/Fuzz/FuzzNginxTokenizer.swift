// fuzz-sources: Sources/GreenroomConfigParsing
//
// libFuzzer harness for the nginx tokenizer and parser (and the Apache and HAProxy parsers and the
// include loaders, which share the target): any bytes must produce tokens or one located ConfigParseError,
// never a crash, a hang or an out-of-bounds read (AddressSanitizer). Input shaped like `nginx -T`
// output is also loaded as a tree of files with includes. Built by Tests/Fuzz/run.sh with
// `swiftc -sanitize=fuzzer,address -parse-as-library`.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var tokenizer = NginxTokenizer(bytes: bytes, file: "fuzz.conf")
    var count = 0
    do {
        while let token = try tokenizer.next() {
            count += 1
            precondition(token.line >= 1 && token.column >= 1, "token position out of range")
            precondition(count <= bytes.count + 1, "more tokens than bytes")
        }
    } catch {
        precondition(error.location.map { $0.line >= 1 && $0.column >= 1 } ?? false, "error without a position")
    }
    do {
        let directives = try NginxParser.parse(bytes, file: "fuzz.conf")
        precondition(directives.count <= bytes.count, "more directives than bytes")
    } catch {
        precondition(error.location != nil, "parse error without a location")
    }
    do {
        _ = try ApacheParser.parse(bytes, file: "fuzz.conf")
    } catch {
        precondition(error.location != nil, "Apache parse error without a location")
    }
    do {
        for section in try HAProxyParser.parse(bytes, file: "fuzz.cfg") {
            precondition(section.header.location.line >= 1, "section without a line")
            for line in section.lines {
                precondition(line.words.count == line.columns.count, "a word without its column")
                precondition(line.columns.allSatisfy { $0 >= 1 }, "column out of range")
            }
        }
    } catch {
        precondition(error.location != nil, "HAProxy parse error without a location")
    }
    // Read as an `nginx -T` dump: several files with includes, globs and possible loops.
    if let dump = NginxDump.fileSystem(from: bytes) {
        let limits = NginxConfig.Limits(maximumTotalBytes: 1 << 20, maximumInclusions: 200)
        _ = try? NginxConfig.load(dump.mainFile, fileSystem: dump.fileSystem, confPrefix: "/", limits: limits)
        _ = try? ApacheConfig.load(dump.mainFile, fileSystem: dump.fileSystem, serverRoot: "/", limits: limits)
    }
    return 0
}
