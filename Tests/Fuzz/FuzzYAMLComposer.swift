// fuzz-sources: Sources/GreenroomYAML
// fuzz-c-targets: Sources/CGreenroomYAML
// fuzz-options: -max_len=8192
//
// libFuzzer harness for GreenroomYAML's composer on libyaml (the reader of greenroom.yml and of
// Kubernetes manifests): any bytes give documents or one located YAMLError, never a crash, a hang,
// a leak or an out-of-bounds read in the Swift or the C code (AddressSanitizer). Invariants:
// - every place (of a node or an error) is inside the text: line 1...lines+1, column >= 1;
// - `document` agrees with `documents`: nil for none, the same tree for one, an error for more;
// - aliases cost nothing to compose (walking is bounded here, as readers bound it).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAMLComposer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.utf8.count { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") } + 1
    func checkPlace(_ mark: YAMLMark, _ what: String) {
        guard mark.line >= 1, mark.line <= lines + 1, mark.column >= 1 else {
            fatalError("\(what) at \(mark.line):\(mark.column), outside a text of \(lines) lines")
        }
    }
    let all: [YAMLNode]
    do {
        all = try YAMLComposer.documents(text)
    } catch {
        checkPlace(error.mark, "error '\(error.message)'")
        guard !error.message.isEmpty else { fatalError("an error with no message") }
        if (try? YAMLComposer.document(text)) != nil {
            fatalError("document() accepted what documents() refused: \(error)")
        }
        return 0
    }
    var budget = 10_000
    func walk(_ node: YAMLNode) -> String {
        budget -= 1
        guard budget > 0 else { return "…" }
        checkPlace(node.mark, "a node")
        switch node {
        case .scalar(let scalar): return "S\(scalar.mark.line):\(scalar.mark.column)\(scalar.string.utf8.count)"
        case .sequence(let list): return "Q[" + list.map(walk).joined(separator: ",") + "]"
        case .mapping(let mapping):
            return "M{" + mapping.map { walk($0.key) + ":" + walk($0.value) }.joined(separator: ",") + "}"
        }
    }
    let rendered = all.map(walk)
    do {
        let one = try YAMLComposer.document(text)
        switch (all.count, one) {
        case (0, nil): break
        case (1, let node?):
            budget = 10_000
            guard walk(node) == rendered[0] else { fatalError("document() and documents() disagree") }
        default: fatalError("document() returned \(one == nil ? "nil" : "a node") for \(all.count) documents")
        }
    } catch {
        guard all.count > 1, error.kind == .composer else {
            fatalError("document() refused \(all.count) document(s) that documents() accepted: \(error)")
        }
    }
    return 0
}
