/// The stable id of one deployment rule, `GR001` … `GR099`: a closed set, like swift-asn1's
/// `ErrorCode`.
///
/// Every finding of `greenroom check`, every refusal of `greenroom serve` and every violation of
/// ``DeploymentPolicy`` carries one. Ids never change meaning once published and a retired id is
/// never reused: `GR001`–`GR019` are about the deployment (spec, bind, trust), `GR020`–`GR049`
/// nginx, `GR050`–`GR079` Apache httpd, `GR080`–`GR099` the running system. Modules pass these
/// values, never their text; ``description`` is the text users see (`GR001`).
///
/// `GR100`–`GR129` are nginx too (the hardening rules).
/// `GR130`–`GR149` are HAProxy configuration (`check --haproxy`).
/// `GR150`–`GR159` compare generated files with the spec (`check --generated`).
/// `GR160`–`GR189` are Kubernetes manifests (`check --kubernetes`).
/// `GR093`–`GR099` are the app's other listeners (`GR093`: the metrics endpoint).
public struct RuleID: Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    private enum Code: String, Sendable, CaseIterable {
        case specWildcardBind = "GR001"
        case specPublicBind = "GR002"
        case specTrustTooBroad = "GR003"
        case specTrustBeyondProxy = "GR004"
        case specRootUser = "GR005"
        case specPrivilegedPort = "GR006"
        case specProxyNotTrusted = "GR007"
        case specProxyProtocol = "GR008"
        case specSchemeLost = "GR009"
        case specRealIPTooBroad = "GR010"
        case specProxyCannot = "GR011"
        case specSandbox = "GR012"
        case specHopsTooMany = "GR013"
        case specExecOverrides = "GR014"
        case specOther = "GR019"
        case nginxTargetMismatch = "GR020"
        case nginxLocalhostTarget = "GR021"
        case nginxClientForwardingHeader = "GR022"
        case nginxAppendedForwardedFor = "GR023"
        case nginxForwardingMissing = "GR024"
        case nginxHostFromClient = "GR025"
        case nginxRealIPTooBroad = "GR026"
        case nginxRealIPMisuse = "GR027"
        case nginxHeaderSplitting = "GR028"
        case nginxAddHeaderDropped = "GR029"
        case nginxProxyHeaderDropped = "GR030"
        case nginxKeepaliveUnused = "GR031"
        case nginxWebSocketHeaders = "GR032"
        case nginxProxyProtocolMissing = "GR033"
        case nginxProxyProtocolUnexpected = "GR034"
        case nginxWildcardTarget = "GR035"
        case nginxVariableTarget = "GR036"
        case nginxProxyNotTrusted = "GR037"
        case nginxUpstreamMissingInstance = "GR038"
        case nginxAliasTraversal = "GR039"
        case nginxOriginRegex = "GR040"
        case nginxValidReferersNone = "GR041"
        case nginxAllowWithoutDeny = "GR042"
        case nginxSatisfyAnyOpen = "GR043"
        case nginxAddHeaderMultiline = "GR044"
        case nginxIfIsEvil = "GR045"
        case nginxProxyPassNormalized = "GR046"
        case nginxRegexReDoS = "GR047"
        case nginxResolverExternal = "GR048"
        case nginxVersionDisclosure = "GR049"
        case apacheTargetMismatch = "GR050"
        case apacheLocalhostTarget = "GR051"
        case apacheClientForwardingHeader = "GR052"
        case apachePreserveHost = "GR053"
        case apacheRemoteIPTooBroad = "GR054"
        case apacheWildcardTarget = "GR055"
        case apacheOpenForwardProxy = "GR056"
        case apacheWebSocketUpgrade = "GR057"
        case apacheProxyProtocolUnsupported = "GR058"
        case apacheProxyNotTrusted = "GR059"
        case apacheAddHeadersOff = "GR060"
        case apacheTrailingSlash = "GR061"
        case apacheRemoteIPUntrusted = "GR062"
        case apacheAppendedForwardedFor = "GR063"
        case apacheClientChosenTarget = "GR064"
        case liveWildcardListener = "GR080"
        case liveExposedListener = "GR081"
        case liveNotListening = "GR082"
        case liveRootProcess = "GR083"
        case liveBypassReachable = "GR084"
        case liveSocketWorldWritable = "GR085"
        case liveSocketGroup = "GR086"
        case probeForgeryBelieved = "GR087"
        case probeReport = "GR088"
        case probeFailed = "GR089"
        case liveAddressInUse = "GR090"
        case liveIncomplete = "GR091"
        case liveAddressNotLocal = "GR092"
        case specMetricsNotLoopback = "GR093"
        case nginxErrorLogOff = "GR100"
        case nginxUnanchoredRegex = "GR101"
        case nginxTryFilesWithoutCache = "GR102"
        case nginxWorkerFileLimit = "GR103"
        case nginxLowKeepaliveRequests = "GR104"
        case nginxNoDefaultServer = "GR105"
        case nginxMapWithoutDefault = "GR106"
        case nginxAddHeaderContentType = "GR107"
        case nginxReturnBypassesAccess = "GR108"
        case nginxInvalidCapture = "GR109"
        case nginxStaleDNS = "GR110"
        case nginxHostHeaderInRedirect = "GR111"
        case nginxStatusPageOpen = "GR112"
        case nginxWeakTLS = "GR113"
        case nginxRegexExactMatch = "GR114"
        case nginxMissingResolver = "GR115"
        case nginxRootExposure = "GR116"
        case nginxMissingHSTS = "GR117"
        case nginxStaplingWithoutResolver = "GR118"
        case nginxNonExpandingVariable = "GR119"
        case nginxStaplingUnavailable = "GR120"
        case nginxQuicWithoutReuseport = "GR121"
        case nginxProxyBufferingOff = "GR122"
        case nginxMixedCaseVariable = "GR123"
        case nginxPostQuantumCurve = "GR124"
        case nginxHTTP2Misdirected = "GR125"
        case nginxRewriteArgsCapture = "GR126"
        case nginxOverlappingCaptures = "GR127"
        case haproxyClientForwardingHeader = "GR130"
        case haproxyAppendedForwardedFor = "GR131"
        case haproxyProxyProtocolMismatch = "GR132"
        case haproxyHeaderFromClient = "GR133"
        case haproxyWildcardServer = "GR134"
        case haproxyTargetMismatch = "GR135"
        case haproxyClientAddressMissing = "GR136"
        case generatedDrift = "GR150"
        case generatedMissing = "GR151"
        case generatedStale = "GR152"
        case kubernetesServiceExposed = "GR160"
        case kubernetesNoNetworkPolicy = "GR161"
        case kubernetesNetworkPolicyOpen = "GR162"
        case kubernetesNetworkPolicyWide = "GR163"
        case kubernetesHostNetwork = "GR164"
        case kubernetesHostPort = "GR165"
        case kubernetesRunAsRoot = "GR166"
        case kubernetesRunAsNonRootMissing = "GR167"
        case kubernetesTrustEveryone = "GR168"
        case kubernetesTrustBeyondGateway = "GR169"
        case kubernetesGatewayTrustsClient = "GR170"
        case kubernetesIngressNginxForwardedHeaders = "GR171"
        case kubernetesIngressNginxRealIPEveryone = "GR172"
        case kubernetesIngressNginxFullForwardedFor = "GR173"
        case kubernetesExternalTrafficPolicyCluster = "GR174"
        case kubernetesNoApp = "GR175"
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The id a user wrote (`GR001`), or `nil` when no rule has it.
    public init?(_ text: String) {
        guard let code = Code(rawValue: text) else { return nil }
        self.code = code
    }

    /// Every rule id, in numeric order.
    public static var allCases: [RuleID] { Code.allCases.map(RuleID.init) }

    /// `GR001`: the text printed with findings and written to JSON and SARIF reports.
    public var description: String { code.rawValue }

    /// The number in the id: `1` for `GR001`.
    public var number: Int { Int(code.rawValue.dropFirst(2)) ?? 0 }

    /// Orders by number.
    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.number < rhs.number }

    /// GR001: app binds a wildcard address behind a proxy.
    public static let specWildcardBind = RuleID(.specWildcardBind)

    /// GR002: app reachable from other hosts without a firewall statement.
    public static let specPublicBind = RuleID(.specPublicBind)

    /// GR003: trust lets clients choose their own address.
    public static let specTrustTooBroad = RuleID(.specTrustTooBroad)

    /// GR004: trust wider than where the proxy connects from.
    public static let specTrustBeyondProxy = RuleID(.specTrustBeyondProxy)

    /// GR005: app runs as root or with an administrators' group.
    public static let specRootUser = RuleID(.specRootUser)

    /// GR006: app listens on a privileged port.
    public static let specPrivilegedPort = RuleID(.specPrivilegedPort)

    /// GR007: app does not trust where the proxy connects from.
    public static let specProxyNotTrusted = RuleID(.specProxyNotTrusted)

    /// GR008: PROXY protocol expected but not sent, or sent but not expected.
    public static let specProxyProtocol = RuleID(.specProxyProtocol)

    /// GR009: TLS at the proxy, but the app cannot learn the scheme.
    public static let specSchemeLost = RuleID(.specSchemeLost)

    /// GR010: proxy.real_ip trusts too much.
    public static let specRealIPTooBroad = RuleID(.specRealIPTooBroad)

    /// GR011: the proxy cannot do what the spec asks.
    public static let specProxyCannot = RuleID(.specProxyCannot)

    /// GR012: systemd sandbox weakened.
    public static let specSandbox = RuleID(.specSandbox)

    /// GR013: hops counts more proxies than the deployment has.
    public static let specHopsTooMany = RuleID(.specHopsTooMany)

    /// GR014: app.exec flags contradict the spec.
    public static let specExecOverrides = RuleID(.specExecOverrides)

    /// GR019: deployment spec problem.
    public static let specOther = RuleID(.specOther)

    /// GR020: proxy_pass does not reach the app.
    public static let nginxTargetMismatch = RuleID(.nginxTargetMismatch)

    /// GR021: proxy_pass to localhost while the app listens on one loopback family.
    public static let nginxLocalhostTarget = RuleID(.nginxLocalhostTarget)

    /// GR022: client-sent forwarding header reaches the app.
    public static let nginxClientForwardingHeader = RuleID(.nginxClientForwardingHeader)

    /// GR023: X-Forwarded-For appended to the client's at the edge.
    public static let nginxAppendedForwardedFor = RuleID(.nginxAppendedForwardedFor)

    /// GR024: client address, scheme or host not forwarded.
    public static let nginxForwardingMissing = RuleID(.nginxForwardingMissing)

    /// GR025: Host forwarded from $http_host.
    public static let nginxHostFromClient = RuleID(.nginxHostFromClient)

    /// GR026: set_real_ip_from trusts too much.
    public static let nginxRealIPTooBroad = RuleID(.nginxRealIPTooBroad)

    /// GR027: realip configured so that it picks the wrong address.
    public static let nginxRealIPMisuse = RuleID(.nginxRealIPMisuse)

    /// GR028: decoded URI in a header or upstream request (HTTP splitting).
    public static let nginxHeaderSplitting = RuleID(.nginxHeaderSplitting)

    /// GR029: add_header in a nested block drops the outer headers.
    public static let nginxAddHeaderDropped = RuleID(.nginxAddHeaderDropped)

    /// GR030: proxy_set_header in a nested block drops the outer ones.
    public static let nginxProxyHeaderDropped = RuleID(.nginxProxyHeaderDropped)

    /// GR031: upstream keepalive without HTTP/1.1 and an empty Connection header.
    public static let nginxKeepaliveUnused = RuleID(.nginxKeepaliveUnused)

    /// GR032: WebSocket path proxied without Upgrade and Connection.
    public static let nginxWebSocketHeaders = RuleID(.nginxWebSocketHeaders)

    /// GR033: the app expects PROXY protocol but nginx does not send it.
    public static let nginxProxyProtocolMissing = RuleID(.nginxProxyProtocolMissing)

    /// GR034: nginx sends PROXY protocol the app does not expect.
    public static let nginxProxyProtocolUnexpected = RuleID(.nginxProxyProtocolUnexpected)

    /// GR035: proxy_pass to a wildcard address.
    public static let nginxWildcardTarget = RuleID(.nginxWildcardTarget)

    /// GR036: proxy_pass target built from variables.
    public static let nginxVariableTarget = RuleID(.nginxVariableTarget)

    /// GR037: the app does not trust the address nginx connects from.
    public static let nginxProxyNotTrusted = RuleID(.nginxProxyNotTrusted)

    /// GR038: upstream does not list every app instance.
    public static let nginxUpstreamMissingInstance = RuleID(.nginxUpstreamMissingInstance)

    /// GR039: alias path traversal through a location without a trailing slash.
    public static let nginxAliasTraversal = RuleID(.nginxAliasTraversal)

    /// GR040: Origin or Referer checked with an unanchored or unescaped regex.
    public static let nginxOriginRegex = RuleID(.nginxOriginRegex)

    /// GR041: valid_referers accepts requests without a Referer.
    public static let nginxValidReferersNone = RuleID(.nginxValidReferersNone)

    /// GR042: allow without a deny.
    public static let nginxAllowWithoutDeny = RuleID(.nginxAllowWithoutDeny)

    /// GR043: satisfy any with an access list that admits everyone.
    public static let nginxSatisfyAnyOpen = RuleID(.nginxSatisfyAnyOpen)

    /// GR044: add_header value spans several lines.
    public static let nginxAddHeaderMultiline = RuleID(.nginxAddHeaderMultiline)

    /// GR045: directive inside if in a location.
    public static let nginxIfIsEvil = RuleID(.nginxIfIsEvil)

    /// GR046: proxy_pass with a URI sends the normalised, decoded path.
    public static let nginxProxyPassNormalized = RuleID(.nginxProxyPassNormalized)

    /// GR047: regex with nested repetition (ReDoS).
    public static let nginxRegexReDoS = RuleID(.nginxRegexReDoS)

    /// GR048: resolver on a public DNS server.
    public static let nginxResolverExternal = RuleID(.nginxResolverExternal)

    /// GR049: server_tokens on discloses the nginx version.
    public static let nginxVersionDisclosure = RuleID(.nginxVersionDisclosure)

    /// GR050: ProxyPass does not reach the app.
    public static let apacheTargetMismatch = RuleID(.apacheTargetMismatch)

    /// GR051: ProxyPass to localhost while the app listens on one loopback family.
    public static let apacheLocalhostTarget = RuleID(.apacheLocalhostTarget)

    /// GR052: client-sent forwarding header reaches the app.
    public static let apacheClientForwardingHeader = RuleID(.apacheClientForwardingHeader)

    /// GR053: ProxyPreserveHost is not On.
    public static let apachePreserveHost = RuleID(.apachePreserveHost)

    /// GR054: mod_remoteip trusts too much.
    public static let apacheRemoteIPTooBroad = RuleID(.apacheRemoteIPTooBroad)

    /// GR055: ProxyPass to a wildcard address.
    public static let apacheWildcardTarget = RuleID(.apacheWildcardTarget)

    /// GR056: ProxyRequests On (open forward proxy).
    public static let apacheOpenForwardProxy = RuleID(.apacheOpenForwardProxy)

    /// GR057: WebSocket path proxied without upgrade.
    public static let apacheWebSocketUpgrade = RuleID(.apacheWebSocketUpgrade)

    /// GR058: the app requires PROXY protocol, which httpd cannot send.
    public static let apacheProxyProtocolUnsupported = RuleID(.apacheProxyProtocolUnsupported)

    /// GR059: the app does not trust the address httpd connects from.
    public static let apacheProxyNotTrusted = RuleID(.apacheProxyNotTrusted)

    /// GR060: ProxyAddHeaders Off while the app reads X-Forwarded-For.
    public static let apacheAddHeadersOff = RuleID(.apacheAddHeadersOff)

    /// GR061: ProxyPass path and URL disagree on the trailing slash.
    public static let apacheTrailingSlash = RuleID(.apacheTrailingSlash)

    /// GR062: RemoteIPHeader without any trusted proxy.
    public static let apacheRemoteIPUntrusted = RuleID(.apacheRemoteIPUntrusted)

    /// GR063: X-Forwarded-For appended to the client's at the edge.
    public static let apacheAppendedForwardedFor = RuleID(.apacheAppendedForwardedFor)

    /// GR064: proxy target host chosen by the client (SSRF).
    public static let apacheClientChosenTarget = RuleID(.apacheClientChosenTarget)

    /// GR080: the app's port listens on a wildcard address.
    public static let liveWildcardListener = RuleID(.liveWildcardListener)

    /// GR081: the app's port listens on a non-loopback address.
    public static let liveExposedListener = RuleID(.liveExposedListener)

    /// GR082: nothing listens where the app should.
    public static let liveNotListening = RuleID(.liveNotListening)

    /// GR083: the app process runs as root.
    public static let liveRootProcess = RuleID(.liveRootProcess)

    /// GR084: the app's port accepts connections on a non-loopback address.
    public static let liveBypassReachable = RuleID(.liveBypassReachable)

    /// GR085: the app's unix socket is writable by every local user.
    public static let liveSocketWorldWritable = RuleID(.liveSocketWorldWritable)

    /// GR086: the app's unix socket is not limited to the proxy's group.
    public static let liveSocketGroup = RuleID(.liveSocketGroup)

    /// GR087: probe: the app believed forged forwarding headers.
    public static let probeForgeryBelieved = RuleID(.probeForgeryBelieved)

    /// GR088: probe: what the app saw.
    public static let probeReport = RuleID(.probeReport)

    /// GR089: probe could not read /whoami.
    public static let probeFailed = RuleID(.probeFailed)

    /// GR090: another process listens on the app's address.
    public static let liveAddressInUse = RuleID(.liveAddressInUse)

    /// GR091: part of the live check could not run.
    public static let liveIncomplete = RuleID(.liveIncomplete)

    /// GR092: the app's address is not an address of this host.
    public static let liveAddressNotLocal = RuleID(.liveAddressNotLocal)

    /// GR093: the metrics endpoint would listen on a non-loopback address.
    public static let specMetricsNotLoopback = RuleID(.specMetricsNotLoopback)

    /// GR100: error_log off writes to a file named off.
    public static let nginxErrorLogOff = RuleID(.nginxErrorLogOff)

    /// GR101: location regex without an anchor.
    public static let nginxUnanchoredRegex = RuleID(.nginxUnanchoredRegex)

    /// GR102: try_files without open_file_cache.
    public static let nginxTryFilesWithoutCache = RuleID(.nginxTryFilesWithoutCache)

    /// GR103: worker_rlimit_nofile too low for worker_connections.
    public static let nginxWorkerFileLimit = RuleID(.nginxWorkerFileLimit)

    /// GR104: keepalive_requests below the default.
    public static let nginxLowKeepaliveRequests = RuleID(.nginxLowKeepaliveRequests)

    /// GR105: several servers share a listen address and none is default_server.
    public static let nginxNoDefaultServer = RuleID(.nginxNoDefaultServer)

    /// GR106: map or geo without a default.
    public static let nginxMapWithoutDefault = RuleID(.nginxMapWithoutDefault)

    /// GR107: Content-Type set with add_header.
    public static let nginxAddHeaderContentType = RuleID(.nginxAddHeaderContentType)

    /// GR108: return runs before allow and deny.
    public static let nginxReturnBypassesAccess = RuleID(.nginxReturnBypassesAccess)

    /// GR109: regex capture reference the pattern does not define.
    public static let nginxInvalidCapture = RuleID(.nginxInvalidCapture)

    /// GR110: proxy_pass host name resolved once at start-up.
    public static let nginxStaleDNS = RuleID(.nginxStaleDNS)

    /// GR111: $http_host used where $host belongs.
    public static let nginxHostHeaderInRedirect = RuleID(.nginxHostHeaderInRedirect)

    /// GR112: stub_status open to everyone.
    public static let nginxStatusPageOpen = RuleID(.nginxStatusPageOpen)

    /// GR113: TLS protocols or ciphers that are broken.
    public static let nginxWeakTLS = RuleID(.nginxWeakTLS)

    /// GR114: regex location that is an exact match.
    public static let nginxRegexExactMatch = RuleID(.nginxRegexExactMatch)

    /// GR115: proxy_pass with variables but no resolver.
    public static let nginxMissingResolver = RuleID(.nginxMissingResolver)

    /// GR116: root or alias serves the whole file system.
    public static let nginxRootExposure = RuleID(.nginxRootExposure)

    /// GR117: TLS server without Strict-Transport-Security.
    public static let nginxMissingHSTS = RuleID(.nginxMissingHSTS)

    /// GR118: ssl_stapling without a resolver.
    public static let nginxStaplingWithoutResolver = RuleID(.nginxStaplingWithoutResolver)

    /// GR119: variable in a directive that does not expand variables.
    public static let nginxNonExpandingVariable = RuleID(.nginxNonExpandingVariable)

    /// GR120: ssl_stapling with a certificate authority that has no OCSP.
    public static let nginxStaplingUnavailable = RuleID(.nginxStaplingUnavailable)

    /// GR121: quic_bpf on without reuseport on the QUIC listen.
    public static let nginxQuicWithoutReuseport = RuleID(.nginxQuicWithoutReuseport)
    /// GR130: client-sent forwarding header reaches the app through HAProxy.
    public static let haproxyClientForwardingHeader = RuleID(.haproxyClientForwardingHeader)

    /// GR131: option forwardfor appends to the client's X-Forwarded-For at the edge.
    public static let haproxyAppendedForwardedFor = RuleID(.haproxyAppendedForwardedFor)

    /// GR132: send-proxy and the app's PROXY protocol setting disagree.
    public static let haproxyProxyProtocolMismatch = RuleID(.haproxyProxyProtocolMismatch)

    /// GR133: a forwarding header or the source address built from what the client sends.
    public static let haproxyHeaderFromClient = RuleID(.haproxyHeaderFromClient)

    /// GR134: a backend server on a wildcard address.
    public static let haproxyWildcardServer = RuleID(.haproxyWildcardServer)

    /// GR135: no backend server reaches the app.
    public static let haproxyTargetMismatch = RuleID(.haproxyTargetMismatch)

    /// GR136: the client address is not forwarded to an app that reads it.
    public static let haproxyClientAddressMissing = RuleID(.haproxyClientAddressMissing)

    /// GR150: a generated file differs from what the spec renders now.
    public static let generatedDrift = RuleID(.generatedDrift)

    /// GR151: a file the spec renders is missing from the generated directory.
    public static let generatedMissing = RuleID(.generatedMissing)

    /// GR152: a file in the generated directory that the spec no longer renders.
    public static let generatedStale = RuleID(.generatedStale)

    /// GR160: the app's Service is reachable from outside the cluster.
    public static let kubernetesServiceExposed = RuleID(.kubernetesServiceExposed)

    /// GR161: no NetworkPolicy limits who reaches the app's pods.
    public static let kubernetesNoNetworkPolicy = RuleID(.kubernetesNoNetworkPolicy)

    /// GR162: a NetworkPolicy admits everyone to the app's pods.
    public static let kubernetesNetworkPolicyOpen = RuleID(.kubernetesNetworkPolicyOpen)

    /// GR163: a NetworkPolicy admits every pod of a namespace or of the cluster.
    public static let kubernetesNetworkPolicyWide = RuleID(.kubernetesNetworkPolicyWide)

    /// GR164: the app's pods use the node's network.
    public static let kubernetesHostNetwork = RuleID(.kubernetesHostNetwork)

    /// GR165: the app's container publishes a host port.
    public static let kubernetesHostPort = RuleID(.kubernetesHostPort)

    /// GR166: the app's container runs as root.
    public static let kubernetesRunAsRoot = RuleID(.kubernetesRunAsRoot)

    /// GR167: the app's container may run as root (runAsNonRoot not set).
    public static let kubernetesRunAsNonRootMissing = RuleID(.kubernetesRunAsNonRootMissing)

    /// GR168: the app trusts every address.
    public static let kubernetesTrustEveryone = RuleID(.kubernetesTrustEveryone)

    /// GR169: the app trusts more than the gateway's addresses.
    public static let kubernetesTrustBeyondGateway = RuleID(.kubernetesTrustBeyondGateway)

    /// GR170: Envoy Gateway believes client-sent X-Forwarded-For.
    public static let kubernetesGatewayTrustsClient = RuleID(.kubernetesGatewayTrustsClient)

    /// GR171: ingress-nginx believes X-Forwarded-For from anyone.
    public static let kubernetesIngressNginxForwardedHeaders = RuleID(.kubernetesIngressNginxForwardedHeaders)

    /// GR172: ingress-nginx proxy-real-ip-cidr trusts every address.
    public static let kubernetesIngressNginxRealIPEveryone = RuleID(.kubernetesIngressNginxRealIPEveryone)

    /// GR173: ingress-nginx appends to the client's X-Forwarded-For.
    public static let kubernetesIngressNginxFullForwardedFor = RuleID(.kubernetesIngressNginxFullForwardedFor)

    /// GR174: load balancer Service hides the client address (externalTrafficPolicy: Cluster).
    public static let kubernetesExternalTrafficPolicyCluster = RuleID(.kubernetesExternalTrafficPolicyCluster)

    /// GR175: no workload in the manifests is the Greenroom app.
    public static let kubernetesNoApp = RuleID(.kubernetesNoApp)

    /// GR122: proxy_buffering off.
    public static let nginxProxyBufferingOff = RuleID(.nginxProxyBufferingOff)

    /// GR123: one variable spelled in different cases.
    public static let nginxMixedCaseVariable = RuleID(.nginxMixedCaseVariable)

    /// GR124: ssl_ecdh_curve names a post-quantum group older OpenSSL rejects.
    public static let nginxPostQuantumCurve = RuleID(.nginxPostQuantumCurve)

    /// GR125: TLS default server rejecting handshakes without a 421 for reused HTTP/2 connections.
    public static let nginxHTTP2Misdirected = RuleID(.nginxHTTP2Misdirected)

    /// GR126: rewrite with arguments followed by set, if or rewrite reading a numbered capture.
    public static let nginxRewriteArgsCapture = RuleID(.nginxRewriteArgsCapture)

    /// GR127: rewrite redirect or arguments referencing nested numbered captures.
    public static let nginxOverlappingCaptures = RuleID(.nginxOverlappingCaptures)
}
