import GreenroomConfigParsing
import GreenroomCore
import GreenroomDeploy

/// `greenroom check` as a library call: the spec rules, the nginx and Apache rules against the
/// user's files with the spec's expectations, the Kubernetes rules on manifests, and optionally
/// the live rules and the probe.
///
/// ```swift
/// var options = DeploymentCheck.Options()
/// options.nginx = ["/etc/nginx/nginx.conf"]
/// options.live = true
/// let result = try DeploymentCheck().run(options)   // throws CheckFailure: exit status 2
/// print(result.report.render(.human))
/// ```
public struct DeploymentCheck: Sendable {
    /// What to check.
    public struct Options: Sendable, Hashable {
        /// `--config`: the spec; `nil` for `./greenroom.yml` when it exists, else the defaults.
        public var specPath: String?
        /// `--nginx`: nginx main files or site files.
        public var nginx: [String] = []
        /// `--apache`: httpd main files or vhost files.
        public var apache: [String] = []
        /// `--haproxy`: HAProxy configuration files, or directories of `*.cfg` files.
        public var haproxy: [String] = []
        /// `--kubernetes`: Kubernetes manifest files or directories of them, checked together.
        public var kubernetes: [String] = []
        /// `--generated`: a directory `greenroom generate --out` wrote, compared with what the
        /// spec renders now; its nginx, Apache and Kubernetes files also get their rules.
        public var generated: String?
        /// `--nginx-prefix`: the directory nginx resolves relative includes against.
        public var nginxPrefix: String?
        /// `--apache-root`: httpd's `ServerRoot`.
        public var apacheRoot: String?
        /// `--live`: the socket, process and reachability rules.
        public var live = false
        /// `--probe-url`: the proxy's URL for the forged-header probe.
        public var probeURL: String?

        /// No files, nothing live.
        public init() {}
    }

    /// The outcome: the report and what was assumed.
    public struct Result: Sendable {
        /// Every finding.
        public var report: Report
        /// The spec checked against (the defaults when no file was found).
        public var spec: DeploymentSpec
        /// Lines worth telling the user besides the findings (e.g. that the defaults were used).
        public var notes: [String]
    }

    /// The system the live rules read.
    public var system: any LiveSystem
    /// The probe's HTTP client; `nil` to find curl when a probe is asked for.
    public var transport: (any ProbeTransport)?
    /// The directory `greenroom.yml` is looked for in when no spec is named.
    public var workingDirectory: String

    /// Creates a check of this host.
    public init(
        system: any LiveSystem = LocalSystem(),
        transport: (any ProbeTransport)? = nil,
        workingDirectory: String = "."
    ) {
        self.system = system
        self.transport = transport
        self.workingDirectory = workingDirectory
    }

    /// Runs everything `options` asks for.
    ///
    /// - Throws: ``CheckFailure`` for a usage or configuration error (an unreadable or invalid
    ///   spec, a proxy file that does not parse, a bad probe URL): `greenroom check` exits 2.
    public func run(_ options: Options) throws(CheckFailure) -> Result {
        if let url = options.probeURL, let problem = ForgeryProbe.problem(with: url) { throw CheckFailure(problem) }
        var notes: [String] = []
        let (spec, specFile) = try loadSpec(options.specPath, notes: &notes)
        if specFile == nil, !options.kubernetes.isEmpty, options.nginx.isEmpty, options.apache.isEmpty,
            options.haproxy.isEmpty, !options.live,
            options.probeURL == nil
        {
            notes = [
                "no \(DeploymentSpec.defaultFileName) here and no --config: the manifests are judged on their own "
                    + "(the gateway's range from the NetworkPolicies that admit traffic to the app)"
            ]
        }
        var findings = specFile == nil ? [] : SpecChecker(spec: spec).check()
        var files = specFile.map { [$0] } ?? []
        var options = options
        if let directory = options.generated {
            guard specFile != nil else {
                throw CheckFailure(
                    "--generated needs the spec the files were generated from: \(DeploymentSpec.defaultFileName) "
                        + "here, or --config"
                )
            }
            let generator: Generator
            do {
                generator = try Generator(spec: spec)
            } catch {
                throw CheckFailure(error.description)
            }
            let outcome = try GeneratedDirectoryCheck(directory: directory, generator: generator).run()
            findings += outcome.findings
            files += outcome.files
            options.nginx += outcome.nginx
            options.apache += outcome.apache
            options.haproxy += outcome.haproxy
            options.kubernetes += outcome.kubernetes
        }
        let app = AppExpectation(spec: spec)
        do {
            for path in options.nginx {
                // Without a spec the nginx rules take the apps from the configuration itself.
                let report = try ProxyConfigCheck.nginx(
                    path,
                    app: specFile == nil ? nil : app,
                    inferringApp: specFile == nil,
                    confPrefix: options.nginxPrefix
                )
                findings += report.findings
                files += report.files
            }
            for path in options.apache {
                let report = try ProxyConfigCheck.apache(
                    path,
                    app: app,
                    serverRoot: options.apacheRoot,
                    inferringApp: specFile == nil
                )
                findings += report.findings
                files += report.files
            }
            for path in options.haproxy {
                let report = try ProxyConfigCheck.haproxy(path, app: specFile == nil ? nil : app)
                findings += report.findings
                files += report.files
            }
            if !options.kubernetes.isEmpty {
                // The spec's `kubernetes.gateway` names the range and hops; without one the
                // manifests' NetworkPolicies do.
                let gateway = specFile == nil ? nil : spec.kubernetes?.gateway
                let report = try ProxyConfigCheck.kubernetes(
                    options.kubernetes,
                    gatewayRanges: gateway?.addresses,
                    gatewayHops: gateway?.hops
                )
                findings += report.findings
                files += report.files
            }
        } catch {
            throw CheckFailure(error.description)
        }
        if options.live {
            findings += LiveChecker(expectation: LiveExpectation(spec: spec), system: system).check()
        }
        if let url = options.probeURL {
            let client: any ProbeTransport
            if let transport {
                client = transport
            } else {
                do {
                    client = try CurlTransport()
                } catch {
                    throw CheckFailure(error.message)
                }
            }
            findings += ForgeryProbe(url: url, transport: client).run()
        }
        var seen = Set<String>()
        files = files.filter { seen.insert($0).inserted }
        return Result(report: Report(findings: findings, files: files), spec: spec, notes: notes)
    }

    /// The spec named, or `./greenroom.yml`, or the defaults; and the file it came from.
    private func loadSpec(_ path: String?, notes: inout [String]) throws(CheckFailure) -> (DeploymentSpec, String?) {
        var file = path
        if file == nil {
            let local =
                workingDirectory == "."
                ? DeploymentSpec.defaultFileName
                : "\(workingDirectory)/\(DeploymentSpec.defaultFileName)"
            if system.fileStatus(local) != nil { file = local }
        }
        guard let file else {
            notes.append(
                "no \(DeploymentSpec.defaultFileName) here and no --config: nginx files are judged on their own "
                    + "(the apps are what they proxy to); everything else against the defaults "
                    + "(app on 127.0.0.1:8000 trusting loopback, behind nginx)"
            )
            return (.defaults, nil)
        }
        do {
            let text = try DeploymentSpec.read(path: file)
            return (try DeploymentSpec.parse(yaml: text, file: file), file)
        } catch {
            throw CheckFailure(error.description)
        }
    }
}

/// A usage or configuration error that stops `greenroom check` (exit status 2): one line, naming
/// the file (and line and column) or the flag.
public struct CheckFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The line to print.
    public var message: String

    /// Creates a failure.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
