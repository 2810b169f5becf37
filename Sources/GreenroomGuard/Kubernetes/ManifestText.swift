/// Manifest text as it may appear in a finding or an error: control characters (C0, DEL, C1)
/// and bidirectional overrides escaped as `\u{1B}`, so a name in a manifest cannot repaint the
/// terminal, forge a line of the report, or reorder what the reader sees.
enum ManifestText {
    static func shown(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isHostile) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isHostile(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isHostile(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
