/// One element of an RFC 7239 `Forwarded` header, as byte ranges into its line.
@usableFromInline
struct ForwardedElement {
    /// The element's whole text, for explanations.
    var start = 0
    var end = 0
    /// Value ranges (quotes removed); `-1` when the parameter is absent.
    var forStart = -1
    var forEnd = -1
    var protoStart = -1
    var protoEnd = -1
    var hostStart = -1
    var hostEnd = -1
    /// `false` when the element is malformed or repeats a parameter.
    var valid = true
    /// `true` when a quoted value used backslash escapes: no valid node, scheme or host needs them.
    var forEscaped = false
    var protoEscaped = false
    var hostEscaped = false
}

/// Splits a `Forwarded` line into elements (RFC 7239 section 4), robustly.
///
/// Parsing runs left to right because quoted strings may contain commas; a malformed element is
/// marked invalid and parsing resumes at the next comma outside quotes, so elements appended by
/// trusted proxies to the right of a client's garbage are still read. An unterminated quote makes
/// the rest of the line one invalid element.
@usableFromInline
enum ForwardedElementParser {
    /// Calls `body` with the line's elements, right to left, at most `limit` of them (the
    /// rightmost ones). Allocation-free for up to a few hundred elements (stack buffer).
    @usableFromInline
    static func forEachElementReversed(
        _ line: UnsafeBufferPointer<UInt8>,
        limit: Int,
        _ body: (ForwardedElement) -> Bool
    ) {
        // Room for every element the line can hold (commas + 1), but no more than the walk can
        // use: small lines stay on the stack.
        var commas = 0
        for byte in line where byte == UInt8(ascii: ",") { commas &+= 1 }
        let capacity = max(1, min(limit, commas + 1, 256))
        withUnsafeTemporaryAllocation(of: ForwardedElement.self, capacity: capacity) { ring in
            var count = 0
            var index = 0
            while index < line.count {
                skipWhitespace(line, &index)
                if index == line.count { break }
                if line[index] == UInt8(ascii: ",") {
                    index += 1
                    continue  // empty element
                }
                let element = parseElement(line, &index)
                ring.initializeElement(at: count % capacity, to: element)
                count += 1
            }
            var remaining = min(count, capacity)
            var position = count - 1
            while remaining > 0 {
                if !body(ring[position % capacity]) { break }
                remaining -= 1
                position -= 1
            }
            // ForwardedElement is trivial: no deinitialisation needed.
        }
    }

    static func skipWhitespace(_ line: UnsafeBufferPointer<UInt8>, _ index: inout Int) {
        while index < line.count, line[index] == UInt8(ascii: " ") || line[index] == UInt8(ascii: "\t") { index += 1 }
    }

    /// Parses one element starting at `index`; leaves `index` after its terminating comma.
    static func parseElement(_ line: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> ForwardedElement {
        var element = ForwardedElement()
        element.start = index
        pairs: while index < line.count {
            skipWhitespace(line, &index)
            if index == line.count { break }
            switch line[index] {
            case UInt8(ascii: ","):
                break pairs
            case UInt8(ascii: ";"):
                index += 1
                continue pairs  // empty pair
            default:
                break
            }
            // name
            let nameStart = index
            while index < line.count, ASCII.isTokenChar(line[index]) { index += 1 }
            let name = UnsafeBufferPointer(rebasing: line[nameStart..<index])
            guard !name.isEmpty, index < line.count, line[index] == UInt8(ascii: "=") else {
                return invalid(element, line, &index)
            }
            index += 1
            // value
            var valueStart = index
            var valueEnd = index
            var escaped = false
            if index < line.count, line[index] == UInt8(ascii: "\"") {
                index += 1
                valueStart = index
                var closed = false
                while index < line.count {
                    let byte = line[index]
                    if byte == UInt8(ascii: "\\") {
                        escaped = true
                        index += 2
                        continue
                    }
                    if byte == UInt8(ascii: "\"") {
                        closed = true
                        break
                    }
                    if byte < 0x20 && byte != UInt8(ascii: "\t") || byte == 0x7F {
                        return invalid(element, line, &index)
                    }
                    index += 1
                }
                guard closed else {
                    index = line.count
                    element.valid = false
                    element.end = line.count
                    return element
                }
                valueEnd = index
                index += 1
            } else {
                while index < line.count, ASCII.isTokenChar(line[index]) { index += 1 }
                valueEnd = index
                if valueEnd == valueStart { return invalid(element, line, &index) }
            }
            // record
            if ASCII.equalsIgnoringCase(name, "for") {
                if element.forStart >= 0 { return invalid(element, line, &index) }
                (element.forStart, element.forEnd, element.forEscaped) = (valueStart, valueEnd, escaped)
            } else if ASCII.equalsIgnoringCase(name, "proto") {
                if element.protoStart >= 0 { return invalid(element, line, &index) }
                (element.protoStart, element.protoEnd, element.protoEscaped) = (valueStart, valueEnd, escaped)
            } else if ASCII.equalsIgnoringCase(name, "host") {
                if element.hostStart >= 0 { return invalid(element, line, &index) }
                (element.hostStart, element.hostEnd, element.hostEscaped) = (valueStart, valueEnd, escaped)
            }
            // `by` and extension parameters are accepted and ignored.
            skipWhitespace(line, &index)
            if index == line.count { break }
            switch line[index] {
            case UInt8(ascii: ";"): index += 1
            case UInt8(ascii: ","): break pairs
            default: return invalid(element, line, &index)
            }
        }
        element.end = index
        if index < line.count { index += 1 }  // the comma
        return element
    }

    /// Marks the element invalid and resynchronises at the next comma outside quotes.
    static func invalid(
        _ element: ForwardedElement,
        _ line: UnsafeBufferPointer<UInt8>,
        _ index: inout Int
    ) -> ForwardedElement {
        var element = element
        element.valid = false
        var quoted = false
        while index < line.count {
            let byte = line[index]
            if quoted {
                if byte == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") { quoted = false }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                break
            }
            index += 1
        }
        index = min(index, line.count)
        element.end = index
        if index < line.count { index += 1 }
        return element
    }
}

extension HopWalker {
    /// Feeds one `Forwarded` line, its elements right to left.
    @usableFromInline
    mutating func consumeForwarded(_ line: UnsafeBufferPointer<UInt8>, trusted: TrustedProxies) {
        guard decision == nil else { return }
        ForwardedElementParser.forEachElementReversed(line, limit: maxHops - read + 1) { element in
            let text = UnsafeBufferPointer(rebasing: line[element.start..<max(element.start, element.end)])
            var hop: TrustChain.Hop?
            if element.valid, element.forStart >= 0, !element.forEscaped {
                hop = HopParser.parseForwardedNode(
                    UnsafeBufferPointer(rebasing: line[element.forStart..<element.forEnd])
                )
            }
            if self.step(hop, text: text, trusted: trusted) {
                self.elementProto =
                    element.protoStart >= 0 && !element.protoEscaped
                    ? ForwardedValues.scheme(UnsafeBufferPointer(rebasing: line[element.protoStart..<element.protoEnd]))
                    : nil
                self.elementHost =
                    element.hostStart >= 0 && !element.hostEscaped
                    ? ForwardedValues.host(UnsafeBufferPointer(rebasing: line[element.hostStart..<element.hostEnd]))
                    : nil
            }
            return self.decision == nil
        }
    }
}
