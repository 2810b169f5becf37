// fuzz-sources: Sources/GreenroomCore
// fuzz-options: -max_len=128
//
// libFuzzer harness for IPAddress, CIDR and TrustedProxies.Entry parsing
// (`Tests/Fuzz/run.sh FuzzAddresses`). Checks, for any text:
// - IPAddress accepts exactly what the C library's inet_pton accepts (glibc is strict too: no
//   leading zeros, no zone ids), with the same bytes;
// - whatever parses prints canonically and re-parses to the same value (address, CIDR, entry,
//   trust list), and a CIDR contains its own network;
// - the byte-level parser and the String-level one agree.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAddresses(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    let isExactText = Array(text.utf8).elementsEqual(bytes)

    // Addresses, against inet_pton.
    let fromBytes = IPAddress.parse(bytes)
    let fromText = IPAddress(text)
    if isExactText { check(fromBytes == fromText, "byte and String parsers disagree on '\(text)'") }
    if !bytes.contains(0) {
        var cString = Array(bytes)
        cString.append(0)
        var v4 = [UInt8](repeating: 0, count: 4)
        var v6 = [UInt8](repeating: 0, count: 16)
        let isV4 = inet_pton(AF_INET, cString, &v4) == 1
        let isV6 = inet_pton(AF_INET6, cString, &v6) == 1
        check((fromBytes != nil) == (isV4 || isV6), "inet_pton says v4=\(isV4) v6=\(isV6) for '\(text)'")
        if let fromBytes { check(fromBytes.bytes == (isV4 ? v4 : v6), "bytes differ from inet_pton for '\(text)'") }
    }
    if let address = fromBytes {
        check(IPAddress(address.description) == address, "'\(address)' does not re-parse")
        check((try? IPAddress(bytes: address.bytes)) == address, "bytes of '\(address)' do not round-trip")
        check(address.unmapped.unmapped == address.unmapped, "unmapping is not idempotent")
        _ = (address.isLoopback, address.isPrivate, address.isPubliclyRoutable, address.isLinkLocal)
    }

    // CIDR blocks.
    if let cidr = try? CIDR(parsing: text) {
        check(CIDR(cidr.description) == cidr, "'\(cidr)' does not re-parse")
        check(cidr.contains(cidr.network), "'\(cidr)' does not contain its network")
        check(cidr.contains(cidr), "'\(cidr)' does not contain itself")
        check(cidr.network.family == .v6 || !cidr.network.isIPv4Mapped, "mapped network kept")
        _ = cidr.addressCount
    }

    // Trust entries and lists, with and without the trust-everything opt-in.
    for allowing in [false, true] {
        if let entry = try? TrustedProxies.Entry(parsing: text, allowingEverything: allowing) {
            let again = try? TrustedProxies.Entry(parsing: entry.description, allowingEverything: allowing)
            check(again == entry, "entry '\(entry)' does not re-parse")
        }
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        if let list = try? TrustedProxies(parsing: items, allowingEverything: allowing) {
            let printed = list.entries.map(\.description)
            let again = try? TrustedProxies(parsing: printed, allowingEverything: allowing)
            check(again == list, "list '\(list)' does not re-parse")
            check(allowing || !list.trustsEveryone, "'\(text)' trusts everyone without opt-in")
            if let address = fromBytes { _ = list.matchingEntry(for: address) }
        }
    }
    return 0
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("FuzzAddresses invariant broken: \(message())") }
}
