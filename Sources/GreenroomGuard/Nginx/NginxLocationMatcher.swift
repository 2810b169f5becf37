import GreenroomConfigParsing
import GreenroomCore

/// Picks the `location` nginx would use for a path, following
/// https://nginx.org/en/docs/http/ngx_http_core_module.html#location: an exact `=` match wins;
/// otherwise the longest prefix is remembered; if it is `^~` it wins; otherwise the first regex
/// (in configuration order) that matches wins; otherwise the longest prefix.
enum NginxLocationMatcher {
    static func select(_ path: String, among locations: [NginxScope]) -> NginxScope? {
        var longest: (scope: NginxScope, length: Int, stop: Bool)? = nil
        for scope in locations {
            guard let directive = scope.innermost.directive else { continue }
            let values = directive.values
            guard let first = values.first else { continue }
            let modifier = values.count >= 2 ? first : ""
            let pattern = values.count >= 2 ? values[1] : first
            switch modifier {
            case "=":
                if pattern == path { return scope }
            case "", "^~":
                if path.hasPrefix(pattern), pattern.count > (longest?.length ?? -1) {
                    longest = (scope, pattern.count, modifier == "^~")
                }
            default:
                break
            }
        }
        if let longest, longest.stop { return longest.scope }
        for scope in locations {
            guard let values = scope.innermost.directive?.values, values.count >= 2,
                values[0] == "~" || values[0] == "~*"
            else { continue }
            guard var regex = try? Regex(values[1]) else { continue }
            if values[0] == "~*" { regex = regex.ignoresCase() }
            if (try? regex.firstMatch(in: path)) != nil { return scope }
        }
        return longest?.scope
    }
}
