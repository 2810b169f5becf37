import GreenroomYAML

extension SpecReader {
    static let systemdKeys = [
        "unit", "hardening", "group", "restart", "restart_sec", "environment", "environment_file", "read_write_paths",
    ]

    mutating func decodeSystemd(_ node: YAMLNode) throws(SpecError) -> SystemdSpec {
        var systemd = SystemdSpec()
        let f = try fields(node, at: "systemd", allowed: SpecReader.systemdKeys)
        if let n = f["unit"], !SpecReader.isNull(n) { systemd.unit = try identifier(n, at: "systemd.unit") }
        if let n = f["hardening"], !SpecReader.isNull(n) { systemd.hardening = try bool(n, at: "systemd.hardening") }
        if let n = f["group"], !SpecReader.isNull(n) {
            // gid 0 is the root group: refused by problems(), so `greenroom check` can report it.
            systemd.group = try string(n, at: "systemd.group") == "0" ? "root" : try identifier(n, at: "systemd.group")
        }
        if let n = f["restart"], !SpecReader.isNull(n) {
            systemd.restart = try word(n, at: "systemd.restart", oneOf: SystemdSpec.restartPolicies)
        }
        if let n = f["restart_sec"], !SpecReader.isNull(n) {
            systemd.restartDelay = try duration(n, at: "systemd.restart_sec", in: .zero...(.seconds(3600)))
        }
        if let n = f["environment"], !SpecReader.isNull(n) {
            guard case .mapping(let mapping) = n else {
                throw error(.wrongType, n, "systemd.environment", "expected a mapping of NAME: value")
            }
            for (keyNode, valueNode) in mapping {
                let name = try string(keyNode, at: "systemd.environment")
                let keyPath = "systemd.environment.\(name)"
                guard let first = name.first, first.isASCII, first.isLetter || first == "_",
                    name.allSatisfy({ $0.isASCIILetterOrDigit || $0 == "_" })
                else {
                    throw error(
                        .invalidValue,
                        keyNode,
                        keyPath,
                        "'\(name)' is not a variable name (letters, digits, _)"
                    )
                }
                guard !systemd.environment.contains(where: { $0.name == name }) else {
                    throw error(.duplicateKey, keyNode, keyPath, "written twice")
                }
                let value = try string(valueNode, at: keyPath)
                if let bad = value.first(where: { $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } })
                {
                    throw error(.unsafeText, valueNode, keyPath, "contains the control character \(bad.printable)")
                }
                locations.keys[keyPath] = location(of: keyNode)
                locations.values[keyPath] = location(of: valueNode)
                systemd.environment.append(.init(name: name, value: value))
            }
        }
        if let n = f["environment_file"], !SpecReader.isNull(n) {
            systemd.environmentFile = try path(n, at: "systemd.environment_file")
        }
        if let n = f["read_write_paths"] {
            systemd.readWritePaths = try list(n, at: "systemd.read_write_paths").map {
                (item, itemPath) throws(SpecError) in
                try path(item, at: itemPath)
            }
        }
        return systemd
    }
}
