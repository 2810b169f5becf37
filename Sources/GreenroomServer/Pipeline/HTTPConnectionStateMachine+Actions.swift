import NIOCore

/// What ``HTTPConnectionStateMachine`` tells its handler to do.
extension HTTPConnectionStateMachine {
    /// How the connection is to be closed.
    enum Close: Equatable {
        /// Close now.
        case now
        /// Flush what was written, then close (lingering, see ``flushedBeforeClose(succeeded:now:)``).
        case afterFlush
    }

    /// What to do after an inbound event, in this order: update the shared framing, pass a part
    /// on, end the read, close.
    struct InboundAction: Equatable {
        /// The new state of the ``DecodedFraming`` shared with the ``HeadLimitHandler``.
        var framing: DecodedFraming.State?
        /// The part to pass on to the connection's task (parts that arrive before the task reads
        /// are held by the machine and returned by ``read(now:shuttingDown:)``).
        var deliver: RequestPart?
        /// Fire `channelReadComplete` after the part (an in-band failure outside a read).
        var completeRead = false
        var close: Close?

        static let nothing = InboundAction()
    }

    /// What to do when the task asks to read.
    struct ReadAction: Equatable {
        /// Parts that arrived before the task read, to pass on first, then `channelReadComplete`.
        var replay: [RequestPart] = []
        /// The input ended before the task read: pass `ChannelEvent.inputClosed` on after `replay`.
        var replayInputClosed = false
        var then: Then

        enum Then: Equatable {
            /// Ask the channel to read.
            case read
            /// Do not read: the connection failed, or nothing more is read.
            case ignore
            /// Close the connection (accepted during shutdown, nothing owed).
            case close
        }
    }

    /// What to do with a response write.
    enum WriteAction: Equatable {
        /// Write it.
        case write
        /// Write it, then flush and close (graceful shutdown, the response is the last one owed).
        case writeThenCloseAfterFlush
        /// Write it and close once it is written.
        case writeThenCloseWhenWritten
    }

    /// What to do once the last response was flushed before a close.
    enum FlushedAction: Equatable {
        /// Close now.
        case close
        /// Shut the write side and keep reading (and dropping) input until the client closes or
        /// ``deadline`` passes, so unread input does not reset the connection and destroy the response.
        case linger
    }

    /// What to do with the timer that runs while written responses wait for the client to read.
    enum StallAction: Equatable {
        case none
        case schedule(NIODeadline)
        case cancel
    }

    /// What to do with `ChannelEvent.inputClosed`.
    enum InputClosedAction: Equatable {
        case none
        /// Pass the event on to the task.
        case forward
        case close
    }

    /// Why the decoder in front of the handler gave up.
    enum DecodingFailure: Equatable {
        /// The head passed the size limit (431; 400 inside a body: chunk extensions or trailers).
        case headTooLarge
        /// An HTTP version other than 1.x (505).
        case versionNotSupported
        /// Anything else malformed (400).
        case malformed
    }
}
