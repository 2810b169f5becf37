import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One file descriptor held in reserve for when the process runs out (`EMFILE`/`ENFILE`).
///
/// A listening socket whose `accept` fails for lack of descriptors stays readable, so an event
/// loop polls it again at once: 100 % CPU until a descriptor frees up. Giving the reserve back
/// lets one pending connection be accepted and closed at once, which empties the readiness and
/// tells that client to go away instead of waiting in the backlog (the trick of libev's and
/// Node's servers). The tracker takes the reserve again once that connection is closed.
struct SpareDescriptor: ~Copyable {
    private var descriptor: Int32 = -1

    init() {
        acquire()
    }

    /// `true` while the descriptor is held.
    var isHeld: Bool { descriptor >= 0 }

    /// Takes the reserve (opens `/dev/null`); `false` when the process still has none to spare.
    @discardableResult
    mutating func acquire() -> Bool {
        guard descriptor < 0 else { return true }
        descriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
        return descriptor >= 0
    }

    /// Gives the reserve back to the process.
    mutating func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// `true` for the `accept` errors that mean "no descriptor left".
    static func isExhaustion(_ error: any Error) -> Bool {
        guard let error = error as? IOError else { return false }
        return error.errnoCode == EMFILE || error.errnoCode == ENFILE
    }
}
