/// The version `greenroom --version` and `greenroom version` print.
enum GreenroomVersion {
    /// The release: the one place the version number is written.
    static let number = "0.9.0"

    /// `0.9.0`, or `0.9.0 (commit 1a2b3c4d5e6f)` when built from a git checkout.
    static var text: String {
        guard let commit = buildCommit else { return number }
        return "\(number) (commit \(commit.prefix(12)))"
    }
}
