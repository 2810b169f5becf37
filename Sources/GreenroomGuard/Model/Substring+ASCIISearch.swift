extension Substring {
    /// The first occurrence of `needle` (ASCII), compared byte by byte.
    ///
    /// What proxies do (nginx and HAProxy read bytes), and far cheaper than a search over
    /// `Character`s, which breaks graphemes at every step: a 10 MB configuration parses a hundred
    /// thousand proxy targets. An ASCII byte always starts a Unicode scalar, so the range's bounds
    /// are valid indices to slice with; they need not be `Character` boundaries (`:` followed by
    /// a combining mark is one `Character`), which is the point: nginx does not see graphemes.
    func firstASCIIRange(of needle: StaticString) -> Range<Index>? {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = pattern.first else { return nil }
        let bytes = utf8
        var start = bytes.startIndex
        while let found = bytes[start...].firstIndex(of: first) {
            let candidate = bytes[found...]
            if candidate.starts(with: pattern) {
                return found..<bytes.index(found, offsetBy: pattern.count)
            }
            start = bytes.index(after: found)
        }
        return nil
    }

    /// The first index of the ASCII byte `byte`.
    func firstASCIIIndex(of byte: Unicode.Scalar) -> Index? { utf8.firstIndex(of: UInt8(ascii: byte)) }

    /// The last index of the ASCII byte `byte`.
    func lastASCIIIndex(of byte: Unicode.Scalar) -> Index? { utf8.lastIndex(of: UInt8(ascii: byte)) }
}
