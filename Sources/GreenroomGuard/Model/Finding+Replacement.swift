import GreenroomConfigParsing

extension Finding {
    /// A fix that is an exact edit: the text from ``start`` up to ``end`` (exclusive, in the same
    /// file) becomes ``text``. SARIF writes it as the result's `fixes`, which code-scanning tools
    /// can apply.
    ///
    /// Only findings of the rules whose fix is the whole directive to write instead of the one
    /// they point at carry one (`server_tokens on;` becomes `server_tokens off;`); a fix that adds
    /// a line elsewhere, needs a value only the operator knows, or would drop something the line
    /// said (an HSTS `includeSubDomains`, a `proxy_pass` URI) stays prose in ``Finding/fix``.
    /// Columns count bytes, which is what editors and SARIF (UTF-16 code units) count too on the
    /// lines an edit is offered for: ASCII up to the directive's `;`.
    public struct Replacement: Sendable, Hashable {
        /// Where the replaced text starts.
        public var start: SourceLocation
        /// Just after where the replaced text ends (same file as ``start``).
        public var end: SourceLocation
        /// The text to write instead.
        public var text: String

        /// Creates a replacement.
        public init(start: SourceLocation, end: SourceLocation, text: String) {
            self.start = start
            self.end = end
            self.text = text
        }
    }
}
