import GreenroomServer
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `serve` flags that are not ``ServeFlags`` (they steer the process, not the server's
/// configuration), each taken from its `GREENROOM_*` variable when the flag is not given.
extension ServeCommand {
    /// The environment `serve` reads.
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    private static func variable(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// `--config`, or `GREENROOM_CONFIG`.
    var effectiveConfig: String? { config ?? Self.variable("GREENROOM_CONFIG") }

    /// `--access-log-file`, or `GREENROOM_ACCESS_LOG_FILE`.
    var effectiveAccessLogFile: String? { accessLogFile ?? Self.variable("GREENROOM_ACCESS_LOG_FILE") }

    /// `--log-level`, or `GREENROOM_LOG_LEVEL`, or `info`; the error names where it came from.
    func effectiveLogLevel() throws(ConfigurationError) -> Logger.Level {
        let (source, text) =
            logLevel.map { ("--log-level", $0) } ?? Self.variable("GREENROOM_LOG_LEVEL").map {
                ("GREENROOM_LOG_LEVEL", $0)
            }
            ?? ("--log-level", "info")
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ConfigurationError(
                "\(source) '\(text)' is not one of trace, debug, info, notice, warning, error, critical"
            )
        }
        return level
    }

    /// `--access-log`, or `GREENROOM_ACCESS_LOG`, or `text`.
    func effectiveAccessLog() throws(ConfigurationError) -> AccessLogFormat {
        if let accessLog { return accessLog }
        guard let text = Self.variable("GREENROOM_ACCESS_LOG") else { return .text }
        guard let format = AccessLogFormat(rawValue: text.lowercased()) else {
            throw ConfigurationError("GREENROOM_ACCESS_LOG='\(text)' is not one of text, json, off")
        }
        return format
    }

    /// `--threads`, or `GREENROOM_THREADS`.
    func effectiveThreads() throws(ConfigurationError) -> Int? {
        if let threads { return threads }
        guard let text = Self.variable("GREENROOM_THREADS") else { return nil }
        guard let count = Int(text) else {
            throw ConfigurationError("GREENROOM_THREADS='\(text)' is not a whole number")
        }
        return count
    }

    /// `--no-guard`, or `GREENROOM_NO_GUARD` set to `1`/`true`/`yes`.
    func effectiveNoGuard() throws(ConfigurationError) -> Bool {
        if noGuard { return true }
        guard let text = Self.variable("GREENROOM_NO_GUARD") else { return false }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError("GREENROOM_NO_GUARD='\(text)' is not one of 1, true, yes, 0, false, no")
        }
    }
}
