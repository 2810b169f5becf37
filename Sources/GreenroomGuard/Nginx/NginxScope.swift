import GreenroomConfigParsing
import GreenroomCore

/// A place in an nginx configuration seen through nginx's inheritance: the chain of blocks
/// (http, server, location, nested location, `if`) from the outside in.
///
/// nginx merges configuration level by level. A single-value directive (`proxy_http_version`)
/// comes from the innermost level that sets it; an *array* directive (`proxy_set_header`,
/// `add_header`, `set_real_ip_from`) comes entirely from the innermost level that has at least one,
/// and is not merged with outer levels. ``effective(_:)`` implements the latter rule.
struct NginxScope: Sendable {
    /// The kind of a level.
    enum Kind: Sendable, Hashable {
        case http, server, location, ifBlock, limitExcept, stream, streamServer
    }

    /// One level: its kind, the block directive that opened it (`nil` when the level is implied,
    /// for a site file that holds bare `server` blocks), and the directives directly inside.
    ///
    /// A class: every scope inside a level shares it (the `http` level is in every scope of the
    /// configuration), and a 10 MB configuration has a hundred thousand scopes, each copied into
    /// the sites and blocks that hold it. A copy is one reference count, not one per field.
    final class Level: Sendable {
        let kind: Kind
        let directive: NginxDirective?
        let children: [NginxDirective]
        /// The simple (non-block) children by name, built once so that lookups through a level
        /// with thousands of directives (an `http` block with every server) stay cheap.
        let simple: [String: [NginxDirective]]

        init(kind: Kind, directive: NginxDirective?, children: [NginxDirective]) {
            self.kind = kind
            self.directive = directive
            self.children = children
            var simple: [String: [NginxDirective]] = [:]
            for child in children where child.block == nil { simple[child.name, default: []].append(child) }
            self.simple = simple
        }
    }

    /// Outermost first.
    var levels: [Level]

    /// The innermost level.
    var innermost: Level { levels[levels.count - 1] }

    /// The directive's location, or of the first child for an implied level.
    var location: SourceLocation? { innermost.directive?.location ?? innermost.children.first?.location }

    /// The innermost occurrence of a single-value directive, searching outwards.
    func nearest(_ name: String) -> NginxDirective? {
        for level in levels.reversed() {
            if let found = level.simple[name]?.last { return found }
        }
        return nil
    }

    /// The directives of an array directive in force here: all of those at the innermost level
    /// that has any, and the index of that level (`nil` when no level has one).
    func effective(_ name: String) -> (directives: [NginxDirective], level: Int?) {
        for index in levels.indices.reversed() {
            if let found = levels[index].simple[name], !found.isEmpty { return (found, index) }
        }
        return ([], nil)
    }

    /// The `proxy_set_header` in force for `header` (case-insensitive), if any.
    func proxyHeader(_ header: String) -> NginxDirective? {
        effective("proxy_set_header").directives.last { $0.firstValue.equalsIgnoringASCIICase(header) }
    }

    /// The server level, if this scope is inside a server.
    var server: Level? { levels.last { $0.kind == .server || $0.kind == .streamServer } }

    /// The location-like levels (location, `if`, `limit_except`), outermost first.
    var locations: [Level] { levels.filter { $0.kind == .location || $0.kind == .ifBlock || $0.kind == .limitExcept } }
}
