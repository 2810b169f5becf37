#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds where request heads start and end in the raw input, so every byte of a head (request
/// line, names, values, separators, whitespace and line ends) counts against the header limit,
/// and refuses bare LF line ends in a head.
///
/// llhttp counts only the target, names and values, and reads a bare LF after the version as a
/// bad version. This scanner runs before it on the same bytes and never changes them: it only
/// says how many to pass on at a time, cutting the input where a head ends (the decoder then
/// tells it, through ``DecodedFraming``, how the body is framed) and where a body ends. Body
/// bytes are skipped, not scanned, except a chunked body's size lines and trailers, which are
/// bounded by the same limit.
///
/// Modes: `head` → `awaitingFraming` (an empty line ended the head) → `head` (no body),
/// `body` or `chunked` → `awaitingEnd` (the body's last byte) → `head`. Any mode → `passThrough`
/// when the decoder disagrees (it then enforces its own limits), → `discard` once the request
/// failed.
struct HeadBytesScanner {
    /// Why the input is refused.
    enum Refusal: Error, Equatable {
        /// A head, a chunk-size line, a body's chunk extensions or its trailers grew past the limit.
        case tooLarge
        /// A line in the head ended with LF alone.
        case bareLineFeed
    }

    /// What to do with the input.
    enum Step: Equatable {
        /// Pass on the first `count` bytes; when `boundary`, a head or a message ends with them
        /// and ``decoded(_:)`` must be told what the decoder made of them.
        case forward(Int, boundary: Bool)
        /// Pass on the first `count` bytes (they end before the problem), then fail.
        case refuse(Refusal, after: Int)
        /// Drop the input: the request failed and nothing more is parsed.
        case drop
    }

    /// Progress through lines of fields (a head or the trailers).
    struct Lines: Equatable {
        var count = 0
        /// Bytes of the current line so far (a head counts its CR, the trailers do not).
        var lineLength = 0
        /// The last byte read was CR.
        var afterCR = false
        /// A non-empty line was seen (empty lines before a request line are skipped).
        var started = false
    }

    /// Progress through a chunked body.
    enum Chunk: Equatable {
        /// In a chunk-size line (the size, then extensions) until its LF.
        case size(value: Int, lineLength: Int, sizing: Bool)
        case data(remaining: Int)
        /// The line end after a chunk's data.
        case dataEnd(lineLength: Int)
        case trailers(Lines)
    }

    enum Mode: Equatable {
        case head(Lines)
        case awaitingFraming
        case body(remaining: Int)
        case chunked(Chunk)
        case awaitingEnd
        case passThrough
        case discard
    }

    private(set) var mode: Mode = .head(Lines())
    /// Bytes of chunk extensions in the current body: ignored by everyone, so bounded in all by
    /// the limit (else a body of one-byte chunks could carry gigabytes of them).
    private var extensionBytes = 0
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// What to do with `bytes`, the start of the input not passed on yet.
    mutating func scan(_ bytes: UnsafeRawBufferPointer) -> Step {
        switch mode {
        case .head(let lines):
            return scanHead(bytes, lines)
        case .body(let remaining):
            let count = min(remaining, bytes.count)
            if count == remaining {
                mode = .awaitingEnd
                return .forward(count, boundary: true)
            }
            mode = .body(remaining: remaining - count)
            return .forward(count, boundary: false)
        case .chunked(let chunk):
            return scanChunked(bytes, chunk)
        case .passThrough, .awaitingFraming, .awaitingEnd:
            // A boundary not followed by `decoded(_:)` means nobody can tell where heads are.
            mode = .passThrough
            return .forward(bytes.count, boundary: false)
        case .discard:
            return .drop
        }
    }

    /// What the decoder made of the bytes up to the last boundary.
    mutating func decoded(_ framing: DecodedFraming.State) {
        switch (mode, framing) {
        case (_, .failed):
            mode = .discard
        case (.awaitingFraming, .ended), (.awaitingEnd, .ended):
            mode = .head(Lines())
        case (.awaitingFraming, .head(.length(let length))) where length > 0:
            mode = .body(remaining: length)
        case (.awaitingFraming, .head(.chunked)):
            mode = .chunked(.size(value: 0, lineLength: 0, sizing: true))
            extensionBytes = 0
        default:
            // The decoder did not see a head or an end where the scanner did.
            mode = .passThrough
        }
    }

    /// Stops scanning: the request failed.
    mutating func stop() { mode = .discard }

    /// Line by line, with `memchr` finding each LF: a head costs one call per line, not a
    /// branch per byte.
    private mutating func scanHead(_ bytes: UnsafeRawBufferPointer, _ start: Lines) -> Step {
        var lines = start
        var index = 0
        while index < bytes.count {
            guard let found = memchr(bytes.baseAddress! + index, Int32(Self.lf), bytes.count - index) else {
                // The line goes on in the next read.
                let rest = bytes.count - index
                lines.count += rest
                if lines.count > limit {
                    mode = .discard
                    return .refuse(.tooLarge, after: index)
                }
                lines.lineLength += rest
                lines.afterCR = bytes[bytes.count - 1] == Self.cr
                break
            }
            let lf = UnsafeRawPointer(found) - bytes.baseAddress!
            let before = lf - index
            lines.count += before + 1
            if lines.count > limit {
                mode = .discard
                return .refuse(.tooLarge, after: index)
            }
            if before > 0 { lines.afterCR = bytes[lf - 1] == Self.cr }
            guard lines.afterCR else {
                mode = .discard
                return .refuse(.bareLineFeed, after: index)
            }
            // `lineLength` counts the CR too: a line of just the CR is empty.
            let empty = lines.lineLength + before == 1
            lines.lineLength = 0
            lines.afterCR = false
            index = lf + 1
            if !empty {
                lines.started = true
            } else if lines.started {
                mode = .awaitingFraming
                return .forward(index, boundary: true)
            }
        }
        mode = .head(lines)
        return .forward(bytes.count, boundary: false)
    }

    private mutating func scanChunked(_ bytes: UnsafeRawBufferPointer, _ start: Chunk) -> Step {
        var chunk = start
        var index = 0
        while index < bytes.count {
            switch chunk {
            case .data(let remaining):
                let count = min(remaining, bytes.count - index)
                index += count
                chunk = count == remaining ? .dataEnd(lineLength: 0) : .data(remaining: remaining - count)
                continue
            case .size(var value, var lineLength, var sizing):
                let byte = bytes[index]
                if byte == Self.lf {
                    chunk = value == 0 ? .trailers(Lines(started: true)) : .data(remaining: value)
                } else {
                    lineLength += 1
                    if lineLength > limit {
                        mode = .discard
                        return .refuse(.tooLarge, after: index)
                    }
                    if sizing, let digit = Self.hexValue(byte) {
                        guard value <= Int.max >> 8 else {
                            // llhttp refuses such a size; stop guessing where the body ends.
                            mode = .passThrough
                            return .forward(bytes.count, boundary: false)
                        }
                        value = value << 4 | digit
                    } else {
                        sizing = false
                        if byte != Self.cr { extensionBytes += 1 }
                        if extensionBytes > limit {
                            mode = .discard
                            return .refuse(.tooLarge, after: index)
                        }
                    }
                    chunk = .size(value: value, lineLength: lineLength, sizing: sizing)
                }
            case .dataEnd(let lineLength):
                let byte = bytes[index]
                if byte == Self.lf {
                    chunk = .size(value: 0, lineLength: 0, sizing: true)
                } else if lineLength >= 2 {
                    // llhttp wants CR LF here and refuses anything else.
                    mode = .passThrough
                    return .forward(bytes.count, boundary: false)
                } else {
                    chunk = .dataEnd(lineLength: lineLength + 1)
                }
            case .trailers(var lines):
                let byte = bytes[index]
                lines.count += 1
                if lines.count > limit {
                    mode = .discard
                    return .refuse(.tooLarge, after: index)
                }
                if byte == Self.lf {
                    if lines.lineLength == 0 {
                        mode = .awaitingEnd
                        return .forward(index + 1, boundary: true)
                    }
                    lines.lineLength = 0
                } else if byte != Self.cr {
                    lines.lineLength += 1
                }
                chunk = .trailers(lines)
            }
            index += 1
        }
        mode = .chunked(chunk)
        return .forward(bytes.count, boundary: false)
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
