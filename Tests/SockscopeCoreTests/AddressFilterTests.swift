import SockscopeCore
import Testing

/// --allow and --deny: addresses and prefixes of both families, an IPv4-mapped address judged
/// as IPv4, --deny winning over --allow, and each bad entry named.
@Suite struct AddressFilterTests {
    static func ip(_ text: String) -> IPAddress { IPAddress(text: text) ?? IPAddress(ipv4: 0) }

    @Test func prefixesAndFamilies() throws {
        let filter = AddressFilter(allowed: try AddressFilter.prefixes("127.0.0.0/8, fe80::/10 # link-local\n::1", option: "--allow"),
                                   denied: try AddressFilter.prefixes("127.0.0.4", option: "--deny"))
        #expect(filter.admits(Self.ip("127.0.0.3")) && filter.admits(Self.ip("::1")) && filter.admits(Self.ip("fe80::1")))
        #expect(!filter.admits(Self.ip("127.0.0.4")))  // denied, though allowed
        #expect(!filter.admits(Self.ip("10.0.0.1")) && !filter.admits(Self.ip("::2")))
        #expect(filter.admits(Self.ip("::ffff:127.0.0.9")) && !filter.admits(Self.ip("::ffff:127.0.0.4")))
        let denyOnly = AddressFilter(denied: try AddressFilter.prefixes("10.1.2.0/23", option: "--deny"))
        #expect(!denyOnly.admits(Self.ip("10.1.3.255")) && denyOnly.admits(Self.ip("10.1.4.0")) && denyOnly.admits(Self.ip("::1")))
    }

    @Test func badEntriesAreNamed() {
        #expect(throws: UsageError("--allow: not an address or prefix: example.org")) {
            try AddressFilter.prefixes("example.org", option: "--allow")
        }
        #expect(throws: UsageError("--deny: prefix length out of range in 10.0.0.0/33 (0 to 32)")) {
            try AddressFilter.prefixes("10.0.0.0/33", option: "--deny")
        }
    }
}
