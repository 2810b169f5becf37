import GreenroomCore
import Logging
import NIOCore
import NIOHTTP1

/// One `info` line per request: to an ``AccessLogWriter`` when the server has one, otherwise as
/// swift-log metadata with dotted keys.
///
/// The metadata event's message is the constant `request`; a log handler turns the metadata into
/// a line. Nothing is built unless the logger would log at `info`.
struct AccessLog: Sendable {
    let logger: Logger
    let enabled: Bool
    let writer: (any AccessLogWriter)?

    func record(
        client: ClientAddress,
        method: HTTPMethod,
        path: Substring,
        status: HTTPResponseStatus,
        bytes: Int,
        start: NIODeadline
    ) {
        guard enabled, logger.logLevel <= .info else { return }
        let micros = (NIODeadline.now() - start).nanoseconds / 1000
        if let writer {
            writer.write(
                AccessRecord(
                    client: client,
                    method: method,
                    path: path,
                    status: status,
                    bytes: bytes,
                    durationMicroseconds: micros
                )
            )
            return
        }
        // Built key by key: a dictionary literal instantiates tuple metadata on every call.
        var metadata = Logger.Metadata(minimumCapacity: 8)
        metadata["greenroom.client"] = .string(client.address?.description ?? "unix")
        metadata["greenroom.via"] = .string(client.via.rawValue)
        metadata["greenroom.peer"] = .string(client.peer.address?.description ?? "unix")
        metadata["http.method"] = .string(method.rawValue)
        metadata["http.path"] = .string(String(path))
        metadata["http.status"] = .string(String(status.code))
        metadata["http.bytes"] = .string(String(bytes))
        metadata["greenroom.duration_us"] = .string(String(micros))
        logger.info("request", metadata: metadata)
    }
}
