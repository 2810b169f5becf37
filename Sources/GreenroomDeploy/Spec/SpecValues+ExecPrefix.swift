extension SpecValues {
    /// The characters systemd reads as prefixes at the start of an `ExecStart=` program
    /// (systemd.service(5), "Command lines"): `@ - : + ! !!`, and `|` since systemd 257.
    static let execPrefixCharacters: Set<Character> = ["@", "-", ":", "+", "!", "|"]

    /// Why `program` (the first word of `app.exec`) cannot start an `ExecStart=` line, or `nil`.
    ///
    /// systemd strips prefixes even from a quoted word, so escaping cannot help: `+/usr/bin/app`
    /// runs as root with no sandbox although the unit says `User=`. Combined prefixes (`-+`, `@-`)
    /// are named whole and explained by their most dangerous part.
    public static func execPrefixProblem(_ program: String) -> String? {
        let prefix = String(program.prefix(while: { execPrefixCharacters.contains($0) }))
        guard !prefix.isEmpty else { return nil }
        let meaning: String
        if prefix.contains("!!") {
            meaning =
                "'!!' runs the command with root's credentials on systems without ambient capabilities, "
                + "despite User="
        } else if prefix.contains("+") {
            meaning = "'+' runs the command as root with no sandbox, despite User="
        } else if prefix.contains("!") {
            meaning = "'!' runs the command with root's credentials, despite User="
        } else if prefix.contains("|") {
            meaning = "'|' runs the command through a shell, which reads the rest of the line as shell code"
        } else if prefix.contains("@") {
            meaning = "'@' makes the next argument the program's name (argv[0]), so the unit shows another command"
        } else if prefix.contains("-") {
            meaning = "'-' makes systemd take a failing start for a success"
        } else {
            meaning = "':' turns off the unit's $VARIABLE expansion in the command"
        }
        let kind = prefix.count == 1 ? "a systemd ExecStart= prefix" : "systemd ExecStart= prefixes"
        let rest = program.dropFirst(prefix.count)
        let example = rest.hasPrefix("/") ? String(rest) : "e.g. /usr/local/bin/app"
        return "starts with '\(prefix)', \(kind): \(meaning); write the program's absolute path without it (\(example))"
    }
}
