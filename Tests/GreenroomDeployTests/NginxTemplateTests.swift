import Foundation
import GreenroomCore
import GreenroomDeploy
import Testing

@Suite struct NginxTemplateTests {
    @Test func upstreamIsExactlyTheAppBind() throws {
        let site = lines(try render(try spec("app:\n  listen: {host: 127.0.0.1, port: 9123}\n"), .nginx))
        // nginx ignores max_fails on an upstream's only server: nothing to fail over to.
        #expect(site.contains("server 127.0.0.1:9123;"))
        #expect(site.filter { $0.hasPrefix("server ") && $0.contains("127.0.0.1") }.count == 1)
        #expect(!site.contains { $0.contains("max_fails") || $0.lowercased().contains("health check") })
        #expect(site.contains("proxy_pass http://greenroom_app;"))
    }

    @Test func ipv6AndUnixUpstreams() throws {
        let v6 = try render(try spec("app:\n  listen: {host: \"::1\", port: 9000}\n"), .nginx)
        #expect(v6.contains("server [::1]:9000;"))
        let unix = try render(try spec("app:\n  listen: {unix: /run/app/app.sock}\n"), .nginx)
        #expect(unix.contains("server unix:/run/app/app.sock;"))
    }

    @Test func upstreamKeepaliveIsSizedAndOutlivedByTheApp() throws {
        let site = lines(
            try render(try spec("app:\n  limits: {idle_timeout: 30s}\nproxy:\n  upstream_keepalive: 512\n"), .nginx)
        )
        #expect(site.contains("keepalive 512;"))
        #expect(site.contains("keepalive_timeout 25s;"))
        #expect(site.contains("proxy_http_version 1.1;"))
        #expect(site.contains("proxy_set_header Connection \"\";"))
    }

    @Test func theEdgeReplacesForwardingHeaders() throws {
        let site = lines(try render(try exampleSpec(), .nginx))
        #expect(site.contains("proxy_set_header Host $host;"))
        #expect(site.contains("proxy_set_header X-Forwarded-For $remote_addr;"))
        #expect(!site.contains { $0.contains("$proxy_add_x_forwarded_for") })
        #expect(!site.contains { $0.contains("$http_host") })
        #expect(site.contains("proxy_set_header X-Forwarded-Proto $scheme;"))
        #expect(site.contains("proxy_set_header X-Forwarded-Host $greenroom_forwarded_host;"))
        #expect(site.contains("proxy_set_header X-Forwarded-Port $server_port;"))
        #expect(site.contains("proxy_set_header Forwarded \"for=$greenroom_forwarded_for;proto=$scheme\";"))
        #expect(site.contains("proxy_set_header X-Real-IP $remote_addr;"))
        for header in ["X-Forwarded-Prefix", "X-Forwarded-Server", "True-Client-IP", "CF-Connecting-IP", "X-Client-IP"]
        {
            #expect(site.contains("proxy_set_header \(header) \"\";"), "\(header) must be cleared")
        }
        #expect(!site.contains { $0.contains("set_real_ip_from") })
    }

    @Test func behindAnOuterBalancerTheChainIsKeptAndRealIPTrustsOnlyIt() throws {
        let site = lines(
            try render(try spec("proxy:\n  real_ip: {from: [192.0.2.0/24], header: CF-Connecting-IP}\n"), .nginx)
        )
        #expect(site.contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"))
        #expect(site.contains("set_real_ip_from 192.0.2.0/24;"))
        #expect(site.contains("real_ip_header CF-Connecting-IP;"))
    }

    @Test func forwardedPolicyDecidesWhichHeadersAreSentAndClearsTheOthers() throws {
        let xOnly = lines(try render(try spec("app:\n  forwarded_headers: x-forwarded\n"), .nginx))
        #expect(xOnly.contains("proxy_set_header Forwarded \"\";"))
        #expect(!xOnly.contains { $0.hasPrefix("map $remote_addr") })
        let forwardedOnly = lines(try render(try spec("app:\n  forwarded_headers: forwarded\n"), .nginx))
        #expect(forwardedOnly.contains("proxy_set_header X-Forwarded-For \"\";"))
        #expect(forwardedOnly.contains { $0.hasPrefix("proxy_set_header Forwarded \"for=") })
    }

    @Test func tlsFollowsMozillaIntermediateWithoutOCSPStapling() throws {
        let site = lines(try render(try exampleSpec(), .nginx))
        #expect(site.contains("listen 443 ssl http2;"))
        #expect(site.contains("ssl_protocols TLSv1.2 TLSv1.3;"))
        #expect(site.contains("ssl_prefer_server_ciphers off;"))
        #expect(site.contains("ssl_session_tickets off;"))
        #expect(!site.contains { $0.hasPrefix("ssl_stapling") })
        #expect(site.contains("add_header Strict-Transport-Security \"max-age=63072000\" always;"))
        #expect(site.contains("return 301 https://$host$request_uri;"))
    }

    @Test func acmeChallengesAreServedBeforeAndApartFromTheApp() throws {
        let text = try render(try exampleSpec(), .nginx)
        let acme = try #require(text.range(of: "location ^~ /.well-known/acme-challenge/ {"))
        let block = text[acme.upperBound...].prefix { $0 != "}" }
        #expect(block.contains("root /var/www/letsencrypt;"))
        #expect(block.contains("try_files $uri =404;"))
        #expect(!block.contains("proxy_pass"))
        // The challenge location is in the port-80 server, which proxies nothing at all.
        let redirectServer = text[..<(text.range(of: "listen 443 ssl")!.lowerBound)]
        #expect(redirectServer.contains("location ^~ /.well-known/acme-challenge/"))
        #expect(!redirectServer.contains("proxy_pass"))
    }

    @Test func addHeaderOnlyAtServerLevel() throws {
        let text = try render(
            try ReferenceConfig.all(example: exampleSpec()).first { $0.directory == "nginx/websocket" }!.spec,
            .nginx
        )
        // Every add_header sits directly in a server block (4 spaces), never in a location (8).
        let addHeaders = text.split(separator: "\n").filter { $0.drop { $0 == " " }.hasPrefix("add_header") }
        #expect(!addHeaders.isEmpty)
        #expect(addHeaders.allSatisfy { $0.hasPrefix("    add_header") && !$0.hasPrefix("        ") })
    }

    @Test func websocketPathsPassUpgradeAndRepeatEveryHeader() throws {
        let text = try render(try spec("proxy:\n  websocket_paths: [/ws/]\n"), .nginx)
        #expect(text.contains("map $http_upgrade $greenroom_connection_upgrade {"))
        let start = try #require(text.range(of: "location /ws/ {"))
        let block = String(text[start.upperBound...].prefix { $0 != "}" })
        #expect(block.contains("proxy_set_header Upgrade $http_upgrade;"))
        #expect(block.contains("proxy_set_header Connection $greenroom_connection_upgrade;"))
        #expect(block.contains("proxy_set_header X-Forwarded-For $remote_addr;"))
        #expect(block.contains("proxy_http_version 1.1;"))
    }

    @Test func staticFilesUseAliasWithTrailingSlashes() throws {
        let site = lines(
            try render(try spec("proxy:\n  static_files: [{path: /static/, directory: /srv/s, expires: 1h}]\n"), .nginx)
        )
        #expect(site.contains("location /static/ {"))
        #expect(site.contains("alias /srv/s/;"))
        #expect(site.contains("expires 1h;"))
    }

    @Test func rateLimitAndBodyLimit() throws {
        let site = lines(
            try render(
                try spec("app:\n  limits: {max_body_bytes: 5m}\nproxy:\n  rate_limit: {requests_per_second: 10}\n"),
                .nginx
            )
        )
        #expect(site.contains("limit_req_zone $binary_remote_addr zone=greenroom_req:10m rate=10r/s;"))
        #expect(site.contains("limit_req zone=greenroom_req burst=20 nodelay;"))
        #expect(site.contains("client_max_body_size 5m;"))
    }

    @Test func proxyProtocolUsesTheStreamModule() throws {
        var spec = try exampleSpec()
        spec.app.proxyProtocol = .v1
        let files = try Generator(spec: spec).files(for: .nginx)
        #expect(files.map(\.path) == ["greenroom.conf", "greenroom-stream.conf"])
        let stream = lines(files[1].contents)
        #expect(stream.contains("stream {"))
        #expect(stream.contains("proxy_protocol on;"))
        #expect(stream.contains("server 127.0.0.1:8000;"))
        #expect(stream.contains("listen 443 ssl;"))
        let site = files[0].contents
        #expect(!site.contains("proxy_pass"))
        #expect(site.contains("return 301"))
    }

    @Test func scaleOutListsEveryInstance() throws {
        let balancer = try spec(
            "app:\n  instances: 2\n  hosts: {addresses: [10.0.0.11, 10.0.0.12], balancers: [10.0.0.2]}\n"
        )
        let site = lines(try render(balancer, .nginx))
        #expect(
            site.filter { $0.hasPrefix("server 10.0.0.") }
                == ["10.0.0.11:8000", "10.0.0.11:8001", "10.0.0.12:8000", "10.0.0.12:8001"].map {
                    "server \($0) max_fails=3 fail_timeout=10s;"
                }
        )
    }
}
