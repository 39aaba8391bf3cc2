import Glibc
import Testing
import TestSupport
@testable import SockscopeCore

/// A BTF blob built here, type by type, as the kernel lays it out (linux/btf.h).
struct BTFBuilder {
    var types: [UInt8] = []
    var strings: [UInt8] = [0]
    var count = 0

    static func u32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    mutating func name(_ text: String) -> UInt32 {
        guard !text.isEmpty else { return 0 }
        let offset = UInt32(strings.count)
        strings += Array(text.utf8) + [0]
        return offset
    }

    /// Adds a type; returns its id.
    mutating func add(_ name: String, kind: UInt32, count vlen: Int = 0, kindFlag: Bool = false, sizeOrType: UInt32,
                      trailing: [UInt8] = []) -> UInt32 {
        let nameOffset = self.name(name)
        types += Self.u32(nameOffset) + Self.u32(kind << 24 | UInt32(vlen) | (kindFlag ? 1 << 31 : 0)) + Self.u32(sizeOrType) + trailing
        count += 1
        return UInt32(count)
    }

    mutating func structure(_ name: String, size: UInt32, union: Bool = false, kindFlag: Bool = false,
                            _ members: [(String, UInt32, UInt32)]) -> UInt32 {
        var trailing: [UInt8] = []
        for (member, type, bits) in members { trailing += Self.u32(self.name(member)) + Self.u32(type) + Self.u32(bits) }
        return add(name, kind: union ? 5 : 4, count: members.count, kindFlag: kindFlag, sizeOrType: size, trailing: trailing)
    }

    var blob: [UInt8] {
        [0x9F, 0xEB, 1, 0] + Self.u32(24) + Self.u32(0) + Self.u32(UInt32(types.count)) + Self.u32(UInt32(types.count))
            + Self.u32(UInt32(strings.count)) + types + strings
    }

    /// The kernel's shape where it matters: `sock.__sk_common.skc_net.net` (through an anonymous
    /// union and a typedef) at 16, `net.ns.inum` at 24.
    static var kernelLike: [UInt8] {
        var b = BTFBuilder()
        let uint = b.add("unsigned int", kind: 1, sizeOrType: 4, trailing: u32(32))
        let bitfields = b.structure("flags", size: 4, kindFlag: true, [("inum", uint, 3 << 24 | 0)])
        let ns = b.structure("ns_common", size: 16, [("stash", uint, 0), ("inum", uint, 64)])
        let net = b.structure("net", size: 64, [("passive", uint, 0), ("flags", bitfields, 32), ("ns", ns, 128)])
        let pointer = b.add("", kind: 2, sizeOrType: net)
        let possible = b.structure("possible_net_t", size: 8, [("net", pointer, 0)])
        let anonymous = b.structure("", size: 8, union: true, [("skc_net", possible, 0)])
        let common = b.structure("sock_common", size: 32, [("skc_daddr", uint, 0), ("", anonymous, 128)])
        let typedef = b.add("sock_common_t", kind: 8, sizeOrType: common)
        let constant = b.add("", kind: 10, sizeOrType: typedef)
        _ = b.add("sock", kind: 7, sizeOrType: 0)  // a forward declaration first: skipped
        _ = b.structure("sock", size: 100, [("__sk_common", constant, 0)])
        return b.blob
    }
}
