import GreenroomCore
import GreenroomDeploy
import Testing

/// The Apache and HAProxy templates.
@Suite struct ProxyTemplateTests {
    @Test func apacheProxiesToTheAppAndReplacesForwardingHeaders() throws {
        let vhost = lines(try render(try exampleSpec(), .apache))
        #expect(
            vhost.contains("ProxyPass / \"http://127.0.0.1:8000/\" keepalive=On ttl=70 connectiontimeout=5 timeout=60")
        )
        #expect(vhost.contains("ProxyPassReverse / \"http://127.0.0.1:8000/\""))
        #expect(vhost.contains("ProxyPreserveHost On"))
        #expect(vhost.contains("ProxyAddHeaders On"))
        #expect(vhost.contains("RequestHeader unset X-Forwarded-For early"))
        #expect(vhost.contains("RequestHeader set X-Forwarded-Proto \"https\""))
        #expect(vhost.contains("SSLProtocol -all +TLSv1.2 +TLSv1.3"))
        #expect(!vhost.contains { $0.hasPrefix("SSLUseStapling on") })
        #expect(vhost.contains("LimitRequestBody 1048576"))
        #expect(!vhost.contains { $0.hasPrefix("Listen") })
    }

    @Test func apacheUsesRemoteIPOnlyForTheListedBalancer() throws {
        let vhost = lines(try render(try spec("proxy:\n  kind: apache\n  real_ip: {from: [192.0.2.0/24]}\n"), .apache))
        #expect(vhost.contains("RemoteIPHeader X-Forwarded-For"))
        #expect(vhost.contains("RemoteIPTrustedProxy 192.0.2.0/24"))
        let plain = lines(try render(try spec("proxy:\n  kind: apache\n"), .apache))
        #expect(!plain.contains { $0.hasPrefix("RemoteIP") })
    }

    @Test func apacheUnixSocketsAndBalancers() throws {
        let unix = lines(try render(try spec("app:\n  listen: {unix: /run/a/a.sock}\n"), .apache))
        #expect(unix.contains { $0.hasPrefix("ProxyPass / \"unix:/run/a/a.sock|http://localhost/\"") })
        let several = lines(try render(try spec("app:\n  instances: 2\n"), .apache))
        #expect(several.contains("<Proxy \"balancer://greenroom_app\">"))
        #expect(
            several.contains {
                $0.hasPrefix("BalancerMember \"http://127.0.0.1:8001\"") && $0.contains("hcuri=/healthz")
            }
        )
        #expect(several.contains("ProxyPass / \"balancer://greenroom_app/\""))
    }

    @Test func apacheListensOnlyOnExtraPorts() throws {
        let vhost = lines(try render(try spec("proxy:\n  listen: {http: [\"127.0.0.1:8080\", 80]}\n"), .apache))
        #expect(vhost.contains("Listen 127.0.0.1:8080"))
        #expect(!vhost.contains("Listen 80"))
        #expect(vhost.contains("<VirtualHost 127.0.0.1:8080 *:80>"))
    }

    @Test func apacheCannotSendTheProxyProtocol() throws {
        var spec = try exampleSpec()
        spec.app.proxyProtocol = .v2
        #expect(throws: SpecError.self) { try Generator(spec: spec).files(for: .apache) }
    }

    @Test func haproxyForwardsWithXForwardedForAndChecksHealth() throws {
        let config = lines(try render(try exampleSpec(), .haproxy))
        #expect(config.contains("http-request del-header X-Forwarded-For"))
        #expect(config.contains("option forwardfor"))
        #expect(config.contains("http-request set-header X-Forwarded-Proto https if { ssl_fc }"))
        #expect(config.contains("server greenroom_1 127.0.0.1:8000 check inter 5s fall 3 rise 2 maxconn 4096"))
        #expect(config.contains("http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host localhost"))
        #expect(config.contains("http-request redirect scheme https code 301 if !{ ssl_fc } !acme_challenge"))
        // del-header comes before option forwardfor adds the connection's address.
        let deleted = try #require(config.firstIndex(of: "http-request del-header X-Forwarded-For"))
        let added = try #require(config.firstIndex(of: "option forwardfor"))
        #expect(deleted < added)
    }

    @Test(arguments: [(AppSpec.ProxyProtocol.v1, "send-proxy"), (.v2, "send-proxy-v2-ssl")])
    func haproxySendsTheProxyProtocolVersionTheAppExpects(_ version: AppSpec.ProxyProtocol, _ keyword: String) throws {
        var spec = try exampleSpec()
        spec.app.proxyProtocol = version
        let config = lines(try render(spec, .haproxy))
        #expect(config.contains { $0.hasPrefix("server greenroom_1 127.0.0.1:8000") && $0.hasSuffix(" \(keyword)") })
        #expect(!config.contains("option forwardfor"))
        #expect(config.contains("http-request del-header X-Forwarded-For"))
        #expect(!config.contains("http-reuse safe"))
    }

    @Test func haproxyUnixSocketAndNoStaticFiles() throws {
        let config = lines(try render(try spec("app:\n  listen: {unix: /run/a/a.sock}\n"), .haproxy))
        #expect(config.contains { $0.hasPrefix("server greenroom_1 unix@/run/a/a.sock check") })
        #expect(
            specError { _ = try spec("proxy:\n  kind: haproxy\n  static_files: [{path: /s/, directory: /srv}]\n") }?
                .code == .unsupportedByProxy
        )
    }
}
