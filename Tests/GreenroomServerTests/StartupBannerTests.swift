import GreenroomCore
import Testing

@testable import GreenroomServer

@Suite struct StartupBannerTests {
    static let interfaces = [
        NetworkInterfaces.Address(interface: "lo", address: .loopbackV4),
        NetworkInterfaces.Address(interface: "eth0", address: IPAddress("192.0.2.10")!),
        NetworkInterfaces.Address(interface: "lo", address: .loopbackV6),
        NetworkInterfaces.Address(interface: "eth0", address: IPAddress("2001:db8::10")!),
        NetworkInterfaces.Address(interface: "eth0", address: IPAddress("fe80::1")!),
    ]

    @Test(arguments: [
        (BindTarget.tcp(host: "127.0.0.1", port: 8000), ["greenroom starting up on http://127.0.0.1:8000"]),
        (.tcp(host: "::1", port: 8000), ["greenroom starting up on http://[::1]:8000"]),
        (.unix(path: "/run/app.sock"), ["greenroom starting up on http+unix:///run/app.sock"]),
        (
            .tcp(host: "0.0.0.0", port: 8080),
            ["greenroom starting up on http://127.0.0.1:8080", "greenroom starting up on http://192.0.2.10:8080"]
        ),
        (
            .tcp(host: "::", port: 8080),
            [
                "greenroom starting up on http://127.0.0.1:8080", "greenroom starting up on http://192.0.2.10:8080",
                "greenroom starting up on http://[::1]:8080", "greenroom starting up on http://[2001:db8::10]:8080",
            ]
        ),
    ])
    func linesNameNavigableAddresses(_ bound: BindTarget, _ expected: [String]) {
        #expect(StartupBanner.lines(for: bound, interfaces: Self.interfaces) == expected)
    }

    @Test func wildcardIsNeverPrinted() {
        let lines = StartupBanner.lines(for: .tcp(host: "0.0.0.0", port: 8000), interfaces: Self.interfaces)
        #expect(!lines.contains { $0.contains("0.0.0.0") })
    }

    @Test func realInterfacesIncludeLoopback() {
        #expect(NetworkInterfaces.addresses().contains { $0.address == .loopbackV4 })
    }
}
