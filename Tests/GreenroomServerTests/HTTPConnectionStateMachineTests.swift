import NIOCore
import NIOHTTP1
import Testing

@testable import GreenroomServer

/// The connection's protocol logic without a channel or a socket: events in, actions out, time
/// from a manual clock (`now`). Every timeout is driven here by moving `now` past the machine's
/// ``HTTPConnectionStateMachine/deadline`` and firing the timer, as the handler's NIO timer would.
@Suite struct HTTPConnectionStateMachineTests {
    typealias Machine = HTTPConnectionStateMachine

    static let limits = Machine.Limits(
        maxBodyBytes: 10,
        headerTimeout: .seconds(1),
        idleTimeout: .seconds(5),
        bodyTimeout: .seconds(2),
        maxDrainBytes: 6,
        shutdownGrace: .milliseconds(300)
    )

    /// A machine whose task started reading, and its clock.
    struct Harness {
        var machine = Machine(limits: HTTPConnectionStateMachineTests.limits)
        var now = NIODeadline.uptimeNanoseconds(1_000_000_000)

        init(reading: Bool = true) {
            if reading { #expect(machine.read(now: now, shuttingDown: false).then == .read) }
        }

        mutating func advance(_ amount: TimeAmount) { now = now + amount }

        /// Fires the timer at the machine's deadline when it is due by `now`, as NIO would.
        mutating func fireDueTimer() -> Machine.InboundAction? {
            guard let deadline = machine.deadline, deadline <= now else { return nil }
            return machine.timerFired(now: now)
        }

        /// One read from the socket: the parts NIO's decoder made of it, then the read's end.
        mutating func read(_ parts: [HTTPServerRequestPart]) -> [Machine.InboundAction] {
            let actions = parts.map { machine.channelRead($0, now: now) }
            _ = machine.channelReadComplete(now: now)
            return actions
        }
    }

    static func head(
        _ method: HTTPMethod = .GET,
        _ headers: [(String, String)] = [("Host", "t")]
    ) -> HTTPServerRequestPart {
        .head(HTTPRequestHead(version: .http1_1, method: method, uri: "/", headers: HTTPHeaders(headers)))
    }

    static func post(length: Int) -> HTTPServerRequestPart {
        head(.POST, [("Host", "t"), ("Content-Length", "\(length)")])
    }

    static func body(_ text: String) -> HTTPServerRequestPart { .body(ByteBuffer(string: text)) }

    // MARK: Idle

    @Test func newConnectionThatSendsNothingClosesSilentlyAfterTheHeaderTimeout() {
        var h = Harness()
        #expect(h.machine.timeout == .idle)
        h.advance(.milliseconds(999))
        #expect(h.fireDueTimer() == nil)
        h.advance(.milliseconds(1))
        #expect(h.fireDueTimer() == .init(close: .now))
    }

    @Test func idleKeepAliveConnectionClosesAfterTheIdleTimeout() {
        var h = Harness()
        _ = h.read([Self.head(), .end(nil)])
        #expect(h.machine.deadline == nil, "a request is owed a response: no client clock runs")
        #expect(h.machine.write(.end, now: h.now) == .write)
        #expect(h.machine.timeout == .idle)
        #expect(h.machine.deadline == h.now + .seconds(5))
        h.advance(.seconds(5))
        #expect(h.fireDueTimer() == .init(close: .now))
    }

    @Test func noTimerRunsWhileTheApplicationWorks() {
        var h = Harness()
        _ = h.read([Self.head(), .end(nil)])
        h.advance(.seconds(3600))
        #expect(h.fireDueTimer() == nil)
        #expect(h.machine.pendingResponses == 1)
    }

    // MARK: Header

    @Test func headStartedButNotFinishedAnswers408() {
        var h = Harness()
        h.advance(.seconds(3))
        _ = h.read([])  // bytes that made no part yet
        #expect(h.machine.readState == .readingHead)
        #expect(h.machine.timeout == .header)
        h.advance(.seconds(1))
        let action = h.fireDueTimer()
        #expect(action == .init(framing: .failed, deliver: .failure(.headerTimeout), completeRead: true))
        #expect(h.machine.readState == .failed)
    }

    @Test func endOfInputDuringAHeadStopsTheHeaderClock() {
        var h = Harness()
        _ = h.read([])
        #expect(h.machine.inputClosed(now: h.now) == .forward)
        #expect(h.machine.readState == .waiting(firstRequest: false))
        #expect(h.machine.timeout == .idle)
    }

    // MARK: Body

    @Test func silentBodyAnswers408OnlyWhileReadingIsAsked() {
        var h = Harness()
        _ = h.read([Self.post(length: 6), Self.body("12")])
        #expect(h.machine.timeout == .body)
        // The task paused reading (back-pressure): not the client's fault.
        h.advance(.seconds(2))
        #expect(h.fireDueTimer() == .nothing)
        #expect(h.machine.bodyTimerPaused)
        // Reading again gives the client the whole body timeout from now.
        #expect(h.machine.read(now: h.now, shuttingDown: false).then == .read)
        #expect(h.machine.deadline == h.now + .seconds(2))
        h.advance(.seconds(2))
        let action = h.fireDueTimer()
        #expect(action?.deliver == .failure(.bodyTimeout))
        #expect(h.machine.lingerTimeout == .seconds(1), "no longer than the header timeout")
    }

    @Test func bodyClockRestartsWithEveryRead() {
        var h = Harness()
        _ = h.read([Self.post(length: 6)])
        for piece in ["12", "34"] {
            _ = h.machine.read(now: h.now, shuttingDown: false)
            h.advance(.milliseconds(1500))
            #expect(h.fireDueTimer() == nil)
            _ = h.read([Self.body(piece)])
        }
        #expect(h.machine.deadline == h.now + .seconds(2))
    }

    @Test func clientWaitingForContinueOwesNothingUntilItIsSent() {
        var h = Harness()
        _ = h.read([Self.head(.POST, [("Host", "t"), ("Content-Length", "6"), ("Expect", "100-continue")])])
        #expect(h.machine.awaitingContinue)
        #expect(h.machine.deadline == nil)
        #expect(h.machine.write(.informational, now: h.now) == .write)
        #expect(h.machine.timeout == .body)
        #expect(h.machine.deadline == h.now + .seconds(2))
    }

    @Test func bodyAboveTheLimitFailsInBand() {
        var h = Harness()
        let actions = h.read([Self.post(length: 0).withChunked, Self.body("123456"), Self.body("78901")])
        #expect(actions.last == .init(framing: .failed, deliver: .failure(.bodyTooLarge)))
    }

    @Test func declaredLengthAboveTheLimitFailsInsteadOfTheHead() {
        var h = Harness()
        #expect(h.read([Self.post(length: 11)]) == [.init(framing: .failed, deliver: .failure(.bodyTooLarge))])
        #expect(h.machine.pendingResponses == 1, "the failure is answered")
    }

    @Test func headThatBreaksRFC9112IsRefused() {
        var h = Harness()
        #expect(h.read([Self.head(.GET, [])]) == [.init(framing: .failed, deliver: .failure(.badRequest))])
    }

    // MARK: Drain

    @Test func unreadBodyIsDrainedWithinItsByteBudgetThenTheConnectionServesOn() {
        var h = Harness()
        _ = h.read([Self.post(length: 8), Self.body("12")])
        #expect(h.machine.write(.end, now: h.now) == .write)
        #expect(h.machine.drainDeadline == h.now + .seconds(1))
        #expect(h.read([Self.body("3456")]) == [.nothing])
        #expect(h.read([Self.body("78"), .end(nil)]) == [.nothing, .init(framing: .ended, deliver: .end)])
        #expect(h.machine.timeout == .idle)
    }

    @Test func drainPastItsByteBudgetClosesAfterTheResponse() {
        var h = Harness()
        _ = h.read([Self.post(length: 10), Self.body("12")])
        _ = h.machine.write(.end, now: h.now)
        #expect(h.read([Self.body("3456789")]) == [.init(framing: .failed, close: .afterFlush)])
    }

    @Test func drainThatRunsOutOfTimeClosesWithoutAnotherResponse() {
        var h = Harness()
        _ = h.read([Self.post(length: 8), Self.body("12")])
        _ = h.machine.write(.end, now: h.now)
        h.advance(.seconds(1))
        #expect(h.fireDueTimer() == .init(framing: .failed, close: .afterFlush))
    }

    // MARK: Closing, lingering, unread responses

    @Test func finalResponseClosesWhenWrittenThenLingersUntilTheForcedClose() {
        var h = Harness()
        _ = h.read([Self.head(), .end(nil)])
        #expect(h.machine.write(.endThenClose, now: h.now) == .writeThenCloseWhenWritten)
        #expect(h.machine.startClosing(now: h.now) == true)
        #expect(h.machine.startClosing(now: h.now) == false, "one close at a time")
        #expect(h.machine.timeout == .forceClose)
        #expect(h.machine.deadline == h.now + .seconds(5))
        #expect(h.machine.flushedBeforeClose(succeeded: true, now: h.now) == .linger)
        #expect(h.machine.deadline == h.now + .seconds(1))
        // Input while lingering is dropped; the client's close ends it.
        #expect(h.read([Self.head()]) == [.nothing])
        #expect(h.machine.inputClosed(now: h.now) == .close)
        h.advance(.seconds(1))
        #expect(h.fireDueTimer() == .init(close: .now))
    }

    @Test func clientThatAlreadyClosedItsSideIsNotLingeredFor() {
        var h = Harness()
        _ = h.read([Self.head(), .end(nil)])
        _ = h.machine.inputClosed(now: h.now)
        _ = h.machine.write(.endThenClose, now: h.now)
        _ = h.machine.startClosing(now: h.now)
        #expect(h.machine.flushedBeforeClose(succeeded: true, now: h.now) == .close)
    }

    @Test func clientThatReadsNoResponsesIsCutOffAfterTheIdleTimeout() {
        var h = Harness()
        #expect(h.machine.writabilityChanged(isWritable: false, now: h.now) == .schedule(h.now + .seconds(5)))
        #expect(h.machine.writabilityChanged(isWritable: false, now: h.now) == .none)
        #expect(h.machine.writabilityChanged(isWritable: true, now: h.now) == .cancel)
        #expect(h.machine.stallDeadline == nil)
        _ = h.machine.writabilityChanged(isWritable: false, now: h.now)
        #expect(h.machine.stallTimerFired() == .now)
        #expect(h.machine.stallDeadline == nil)
    }

    // MARK: Shutdown and early input

    @Test func quiesceClosesAnIdleKeepAliveConnectionAndWaitsForABusyOne() {
        var idle = Harness()
        _ = idle.read([Self.head(), .end(nil)])
        _ = idle.machine.write(.end, now: idle.now)
        #expect(idle.machine.quiesce(now: idle.now) == true)
        var busy = Harness()
        _ = busy.read([Self.head(), .end(nil)])
        #expect(busy.machine.quiesce(now: busy.now) == false)
        #expect(busy.machine.write(.end, now: busy.now) == .writeThenCloseAfterFlush)
    }

    @Test func quiesceWaitsTheGraceForAFreshConnectionsFirstRequest() {
        var h = Harness()
        #expect(h.machine.quiesce(now: h.now) == false)
        #expect(h.machine.deadline == h.now + Self.limits.shutdownGrace)
        h.advance(.milliseconds(200))
        let actions = h.read([Self.head(), .end(nil)])
        #expect(actions.first?.deliver != nil, "the request is passed on")
        #expect(h.machine.deadline == nil)
        #expect(h.machine.write(.end, now: h.now) == .writeThenCloseAfterFlush)
    }

    @Test func aFreshConnectionThatSendsNothingClosesWhenTheGraceEnds() {
        var h = Harness()
        #expect(h.machine.quiesce(now: h.now) == false)
        h.advance(Self.limits.shutdownGrace - .milliseconds(1))
        #expect(h.fireDueTimer() == nil)
        h.advance(.milliseconds(1))
        #expect(h.fireDueTimer()?.close == .now)
    }

    @Test func aHeadStillArrivingWhenTheGraceEndsIsAnswered408() {
        var h = Harness()
        #expect(h.machine.quiesce(now: h.now) == false)
        _ = h.read([])  // bytes that made no part yet
        #expect(h.machine.readState == .readingHead)
        #expect(h.machine.deadline == h.now + Self.limits.shutdownGrace)
        h.advance(Self.limits.shutdownGrace)
        #expect(h.fireDueTimer()?.deliver == .failure(.headerTimeout))
    }

    @Test func partsBeforeTheTaskReadsAreHeldAndReplayedInOrder() {
        var h = Harness(reading: false)
        let peer = ConnectionPeer(socketPeer: .unix(path: nil))
        #expect(h.machine.connectionPeer(peer) == .nothing)
        #expect(h.read([Self.head(), .end(nil)]) == [.init(framing: .head(.length(0))), .init(framing: .ended)])
        #expect(h.machine.inputClosed(now: h.now) == .none)
        let action = h.machine.read(now: h.now, shuttingDown: false)
        #expect(action.replay.count == 3)
        #expect(action.replay.first == .peer(peer))
        #expect(action.replayInputClosed)
        #expect(action.then == .read)
    }

    @Test func connectionAcceptedDuringShutdownGetsTheGrace() {
        var h = Harness(reading: false)
        h.machine.handlerAdded(shuttingDown: true, now: h.now)
        #expect(h.machine.deadline == h.now + Self.limits.shutdownGrace)
        #expect(h.machine.read(now: h.now, shuttingDown: true).then == .read)
        #expect(h.machine.deadline == h.now + Self.limits.shutdownGrace, "reading does not extend it")
        var late = Harness(reading: false)
        #expect(late.machine.read(now: late.now, shuttingDown: true).then == .read)
        #expect(late.machine.deadline == late.now + Self.limits.shutdownGrace)
        late.advance(Self.limits.shutdownGrace)
        #expect(late.fireDueTimer()?.close == .now)
    }

    @Test func heldPartsAreBounded() {
        var h = Harness(reading: false)
        var last = Machine.InboundAction.nothing
        for _ in 0...Machine.maxEarlyParts { last = h.machine.channelRead(Self.head(), now: h.now) }
        #expect(last.close == .now)
    }

    // MARK: Decoder failures

    @Test func oversizedHeadIs431ButInsideABodyIs400() {
        var h = Harness()
        #expect(h.machine.decodingFailed(.headTooLarge).deliver == .failure(.headerTooLarge))
        var b = Harness()
        _ = b.read([Self.post(length: 0).withChunked])
        #expect(b.machine.decodingFailed(.headTooLarge).deliver == .failure(.badRequest))
        #expect(b.machine.decodingFailed(.malformed) == .nothing, "one failure per connection")
    }
}

extension HTTPServerRequestPart {
    /// The same head, its body chunked instead.
    fileprivate var withChunked: HTTPServerRequestPart {
        guard case .head(var head) = self else { return self }
        head.headers.remove(name: "Content-Length")
        head.headers.add(name: "Transfer-Encoding", value: "chunked")
        return .head(head)
    }
}
