import GreenroomCore
import GreenroomGuard
import Testing

/// `/proc/net` parsing on lines captured from this machine's kernel.
@Suite struct ProcNetTests {
    @Test func tcpListenersAreReadAndOtherStatesSkipped() {
        let text = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     
               0: 0100007F:9FF7 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 767552 1 0000000040a4d82d 100 0 0 10 0                    
               1: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 119 1 0000000017f5f7a9 100 0 0 10 0                       
               2: 0100007F:A3EC 0100007F:B253 08 00000000:00000000 00:00000000 00000000     0        0 767638 1 00000000013bd6b2 20 4 28 11 -1                   
               3: 020200C0:4653 00000000:0000 0A 00000000:00000000 00:00000000 00000000   997        0 813606 1 00000000ff6fcfd9 100 0 0 10 0                    

            """
        let listeners = ProcNet.tcpListeners(text)
        #expect(listeners.map(\.description) == ["127.0.0.1:40951", "0.0.0.0:2024", "192.0.2.2:18003"])
        #expect(listeners.map(\.inode) == [767552, 119, 813606])
        #expect(listeners.map(\.uid) == [0, 0, 997])
    }

    @Test func tcp6AddressesAreFourHostOrderWords() {
        let text = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 000000FD000000000000000002000000:4650 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 813603 1 00000000ba6a0724 100 0 0 10 0
               1: 00000000000000000000000000000000:4651 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 813604 1 000000000855d860 100 0 0 10 0
               2: 00000000000000000000000001000000:4652 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 813605 1 0000000018d4a9ef 100 0 0 10 0
               3: 0000000000000000FFFF00000100007F:4653 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 813606 1 0000000018d4a9ef 100 0 0 10 0
               4: 00000000000000000000000001000000:C514 00000000000000000000000001000000:A373 01 00000000:00000000 00:00000000 00000000     0        0 770145 1 000000006b2ab2fe 20 4 28 11 -1
            """
        let listeners = ProcNet.tcpListeners(text)
        #expect(
            listeners.map(\.description) == [
                "[fd00::2]:18000", "[::]:18001", "[::1]:18002", "[::ffff:127.0.0.1]:18003",
            ]
        )
        #expect(listeners[3].address.unmapped == .loopbackV4)
    }

    @Test(arguments: [
        "",
        "garbage",
        "  sl  local_address\n   0: ZZZZ:1F40 00000000:0000 0A 0 0 0 0 0 1\n",
        "  sl\n   0: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n",
        "  sl\n   0: 0100007F:1F40:1 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n",
        "  sl\n   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000 x 0 1 1\n",
        "  sl\n   0: 0100007F0:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n",
    ])
    func malformedLinesAreSkipped(_ text: String) {
        #expect(ProcNet.tcpListeners(text).isEmpty)
    }

    @Test func unixListenersHaveTheAcceptFlagAndAPath() {
        let text = """
            Num       RefCount Protocol Flags    Type St Inode Path
            000000000d8ccb76: 00000002 00000000 00010000 0001 01 813607 /tmp/gr-test.sock
            000000008962dd48: 00000003 00000000 00000000 0001 03 378086
            0000000011111111: 00000002 00000000 00010000 0001 01 900001 @/tmp/.X11-unix/X0
            0000000022222222: 00000003 00000000 00000000 0001 03 900002 /run/systemd/journal/stdout
            0000000033333333: 00000002 00000000 00010000 0001 01 900003 /run/a path with spaces.sock
            """
        let listeners = ProcNet.unixListeners(text)
        #expect(listeners.map(\.path) == ["/tmp/gr-test.sock", "@/tmp/.X11-unix/X0", "/run/a path with spaces.sock"])
        #expect(listeners.map(\.inode) == [813607, 900001, 900003])
    }

    @Test(arguments: [("socket:[813607]", UInt64(813607)), ("pipe:[12]", nil), ("socket:[]", nil), ("/dev/null", nil)])
    func socketLinks(_ link: String, _ inode: UInt64?) {
        #expect(ProcNet.socketInode(link: link) == inode)
    }

    @Test func ownersAreFoundThroughDescriptorLinks() {
        var system = FakeSystem()
        system.process(10, "nginx", uid: 0, inodes: [1, 2])
        system.process(11, "nginx", uid: 33, inodes: [1, 2])
        system.process(20, "greenroom", uid: 997, inodes: [3])
        system.process(30, "sshd", uid: 0, inodes: [4])
        let owners = SocketOwners(inodes: [1, 3, 5], system: system)
        #expect(owners.processes[1]?.map(\.description) == ["nginx (pid 10)", "nginx (pid 11)"])
        #expect(owners.processes[1]?.map(\.effectiveUID) == [0, 33])
        #expect(owners.processes[3]?.map(\.pid) == [20])
        #expect(owners.processes[5] == nil && owners.processes[4] == nil)
        #expect(!owners.isIncomplete)
    }
}
