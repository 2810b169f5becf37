import ArgumentParser
import GreenroomCore
import GreenroomDeploy
import GreenroomGuard

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `greenroom check`: validates a deployment: the spec, the real proxy configuration, and with
/// `--live` this host's sockets, processes and a probe through the proxy.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a deployment for ways around the proxy and for spoofable client addresses.",
        discussion: """
            Runs the spec rules (GR001-GR019) on greenroom.yml, the nginx rules (GR020-GR049) and \
            Apache rules (GR050-GR079) and HAProxy rules (GR130-GR149) on your real proxy files, checked against what the spec \
            says the app expects, the Kubernetes rules (GR160-GR189) on manifests, the drift rules (GR150-GR159) on \
            generated files, and with --live the rules on the running system (GR080-GR099): \
            what listens on the app's port or socket and as whom, whether the port answers on \
            this host's other addresses, and with --probe-url whether the app believes forged \
            X-Forwarded-For, Forwarded and X-Real-IP headers sent through the proxy.

            Without --config, ./greenroom.yml is used when it exists; otherwise the built-in \
            defaults (app on 127.0.0.1:8000 trusting loopback, behind nginx) and the spec rules \
            are skipped. Relative includes resolve against --nginx-prefix (default: the directory \
            holding nginx.conf) and --apache-root (default: the directory holding apache2.conf \
            or httpd.conf). --probe-url runs with or without --live and needs curl. \
            --kubernetes takes a manifest file (every YAML document in it) or a directory (every \
            *.yaml and *.yml file in it, in name order); all of them are checked together. \
            --generated takes what `greenroom generate all --out DIR` (or `generate TARGET --out \
            DIR`) wrote and compares every file with what the spec renders now (GR150-GR159: a \
            file that differs, is missing, or is left over), then runs the nginx, Apache, \
            HAProxy and Kubernetes rules on the files it holds.

            Output: findings grouped by file (live findings under "(system)"), colour only on a \
            terminal and never with NO_COLOR or --no-color. --json prints one object: "findings", \
            each with rule, severity, file, line, column, message and fix (file, line and column \
            null for live findings), and "summary" with errors, warnings, info, total and files. \
            --sarif prints SARIF 2.1.0 for code-scanning tools. Every rule, with a bad and a good \
            example: README.md, section "Rules", or --list-rules.

            Exit status: 0 no errors (warnings and info allowed), 1 at least one error-level \
            finding, 2 usage or configuration error (bad flag, unreadable or invalid spec, a \
            proxy file that does not parse: one line file:line:column: message).

            Examples:
              greenroom check
              greenroom check --generated deploy-out
              greenroom check --config deploy/greenroom.yml --nginx /etc/nginx/nginx.conf
              greenroom check --nginx sites-enabled/app --nginx-prefix /etc/nginx
              greenroom check --apache /etc/apache2/apache2.conf --json
              greenroom check --haproxy /etc/haproxy/haproxy.cfg
              sudo greenroom check --live --probe-url https://localhost/
              greenroom check --nginx nginx.conf --sarif > greenroom.sarif
              greenroom check --kubernetes k8s/ --json
            """
    )

    @Option(
        name: .long,
        help: ArgumentHelp("The deployment spec (default: ./greenroom.yml if present).", valueName: "file")
    )
    var config: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "An nginx configuration to check (nginx.conf or a site file). Repeatable.",
            valueName: "file"
        )
    )
    var nginx: [String] = []

    @Option(name: .long, help: ArgumentHelp("An Apache httpd configuration to check. Repeatable.", valueName: "file"))
    var apache: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "An HAProxy configuration to check: a file or a directory of *.cfg files. Repeatable.",
            valueName: "file|dir"
        )
    )
    var haproxy: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Kubernetes manifests to check: a YAML file or a directory of *.yaml/*.yml. Repeatable.",
            valueName: "dir|file"
        )
    )
    var kubernetes: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A directory `greenroom generate --out` wrote: compare it with what the spec renders now, "
                + "and check its nginx, Apache and Kubernetes files.",
            valueName: "dir"
        )
    )
    var generated: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The directory nginx resolves relative includes against.", valueName: "dir")
    )
    var nginxPrefix: String?

    @Option(name: .long, help: ArgumentHelp("httpd's ServerRoot, for relative Include paths.", valueName: "dir"))
    var apacheRoot: String?

    @Flag(name: .long, help: "Also check the running system: listeners, their processes, reachability (run as root).")
    var live = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Probe /whoami through the proxy at this URL with forged forwarding headers.",
            valueName: "url"
        )
    )
    var probeURL: String?

    @Flag(name: .long, help: "Print the findings as JSON.")
    var json = false

    @Flag(name: .long, help: "Print the findings as SARIF 2.1.0.")
    var sarif = false

    @Flag(name: .long, help: "No ANSI colour in the human output (also: NO_COLOR=1).")
    var noColor = false

    @Flag(name: .long, help: "List every rule (id, severity, scope, title) and exit.")
    var listRules = false

    func validate() throws {
        if json && sarif { throw ValidationError("--json and --sarif cannot be combined; pick one") }
        for (flag, values) in [
            ("--nginx", nginx), ("--apache", apache), ("--haproxy", haproxy), ("--kubernetes", kubernetes),
        ]
        where values.contains("") {
            throw ValidationError("\(flag) needs a file name")
        }
    }

    func run() async throws {
        if listRules {
            let scopeWidth = Rule.Scope.allCases.map(\.rawValue.count).max() ?? 0
            for rule in RuleCatalog.all {
                print(
                    "\(rule.id)  \(Self.column(rule.severity.rawValue, width: 7))  "
                        + "\(Self.column(rule.scope.rawValue, width: scopeWidth))  \(rule.title)"
                )
            }
            return
        }
        // This process exits once the report is printed: a parsed configuration is left for the
        // kernel to take back rather than freed object by object.
        LargeValueRelease.keepUntilProcessExit()
        var options = DeploymentCheck.Options()
        options.specPath = config
        options.nginx = nginx
        options.apache = apache
        options.haproxy = haproxy
        options.kubernetes = kubernetes
        options.generated = generated
        options.nginxPrefix = nginxPrefix
        options.apacheRoot = apacheRoot
        options.live = live
        options.probeURL = probeURL
        let result: DeploymentCheck.Result
        do {
            result = try DeploymentCheck().run(options)
        } catch {
            throw CheckCommand.fail(error.message, exitCode: 2)
        }
        let format: Report.Format = json ? .json : sarif ? .sarif : .human
        if format == .human {
            for note in result.notes { Console.error("greenroom: note: \(note)") }
        }
        let color = format == .human && !noColor && Report.shouldColor(descriptor: 1)
        let output =
            format == .sarif
            ? result.report.renderSARIF(
                toolVersion: GreenroomVersion.number,
                baseDirectory: FileManager.default.currentDirectoryPath
            )
            : result.report.render(format, color: color)
        Console.write(fd: 1, output)
        if result.report.exitCode != 0 { throw ExitCode(result.report.exitCode) }
    }

    /// `text` cut or padded with spaces to `width` characters: a column of `--list-rules`.
    static func column(_ text: String, width: Int) -> String {
        let cut = String(text.prefix(width))
        return cut + String(repeating: " ", count: width - cut.count)
    }
}
