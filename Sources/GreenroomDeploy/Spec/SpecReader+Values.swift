import GreenroomCore
import GreenroomYAML

/// Value forms shared by the sections: identifiers, absolute paths, CIDR blocks, commands.
extension SpecReader {
    func identifier(_ node: YAMLNode, at path: String) throws(SpecError) -> String {
        let text = try string(node, at: path)
        if let problem = SpecValues.problem(withIdentifier: text) {
            throw error(.invalidValue, node, path, "'\(text)' \(problem)")
        }
        return text
    }

    func path(_ node: YAMLNode, at keyPath: String) throws(SpecError) -> String {
        let text = try string(node, at: keyPath)
        if let problem = SpecValues.problem(withPath: text) {
            let code: SpecError.Code = text.hasPrefix("/") ? .unsafeText : .invalidValue
            throw error(code, node, keyPath, "'\(text)' \(problem)")
        }
        return text
    }

    func cidr(_ node: YAMLNode, at path: String) throws(SpecError) -> CIDR {
        let text = try string(node, at: path)
        let block: CIDR
        do {
            block = try CIDR(parsing: text)
        } catch {
            throw self.error(.invalidAddress, node, path, error.reason)
        }
        return block  // a block matching everything is reported by problems()
    }

    /// A command: a list of arguments, or a string split at spaces (no shell quoting).
    ///
    /// The program may not start with a systemd `ExecStart=` prefix (`+ ! !! @ - : |`): `+` would
    /// run it as root outside the sandbox despite `User=` (see ``SpecValues/execPrefixProblem(_:)``).
    mutating func command(_ node: YAMLNode, at path: String) throws(SpecError) -> [String] {
        var arguments: [String]
        var program = (node: node, path: path)
        if case .scalar = node {
            let text = try string(node, at: path)
            if text.contains(where: { "\"'\\".contains($0) }) {
                throw error(.invalidValue, node, path, "quotes are not interpreted; write exec as a list of arguments")
            }
            arguments = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        } else {
            arguments = []
            for (item, itemPath) in try list(node, at: path) {
                if arguments.isEmpty { program = (item, itemPath) }
                arguments.append(try string(item, at: itemPath))
            }
        }
        guard let first = arguments.first, !first.isEmpty else { throw error(.invalidValue, node, path, "is empty") }
        if let problem = SpecValues.execPrefixProblem(first) {
            throw error(.unsafeText, program.node, program.path, "'\(first)' \(problem)")
        }
        for argument in arguments {
            if let bad = argument.first(where: { $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }) {
                throw error(.unsafeText, node, path, "contains the control character \(bad.printable)")
            }
        }
        return arguments
    }
}
