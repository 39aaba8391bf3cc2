import Glibc
import Testing
import TestSupport
@testable import SockscopeCore

struct BTFTypesTests {
    @Test func membersAreFoundThroughAnonymousUnionsAndTypedefs() throws {
        let types = try #require(BTFTypes(BTFBuilder.kernelLike))
        let net = try #require(types.member(["__sk_common", "skc_net", "net"], in: "sock"))
        #expect(net == BTFTypes.Member(offset: 16, kind: .pointer, size: 8))
        let inode = try #require(types.member(["ns", "inum"], in: "net"))
        #expect(inode == BTFTypes.Member(offset: 24, kind: .int, size: 4))
        #expect(try TransitionProgram.Offsets(types) == TransitionProgram.Offsets(socketNet: 16, namespaceInode: 24))
        // A bit field has no byte address; a missing name is nil, not a guess.
        #expect(types.member(["flags", "inum"], in: "net") == nil)
        #expect(types.member(["__sk_common", "skc_family"], in: "sock") == nil)
        #expect(types.member(["ns"], in: "no_such_struct") == nil)
    }

    @Test func aDamagedBlobIsRefusedOrFoundWanting() {
        let blob = BTFBuilder.kernelLike
        #expect(BTFTypes(Array(blob.dropFirst())) == nil)
        var wrongMagic = blob
        wrongMagic[0] = 0
        #expect(BTFTypes(wrongMagic) == nil)
        // Cut at every length: refused, or read without the missing part — never a trap.
        for length in 0..<blob.count {
            let types = BTFTypes(Array(blob.prefix(length)))
            #expect(types == nil || types?.member(["__sk_common", "skc_net", "net"], in: "sock") == nil)
        }
        // An unknown kind ends the reading.
        var unknown = BTFBuilder()
        _ = unknown.add("x", kind: 31, sizeOrType: 0)
        #expect(BTFTypes(unknown.blob) == nil)
    }

    @Test func aTypedefLoopEnds() {
        var b = BTFBuilder()
        // Type 1 is a typedef of type 2, which is a typedef of type 1.
        _ = b.add("a", kind: 8, sizeOrType: 2)
        _ = b.add("b", kind: 8, sizeOrType: 1)
        _ = b.structure("s", size: 8, [("m", 1, 0)])
        let types = BTFTypes(b.blob)
        #expect(types != nil)
        #expect(types?.member(["m", "x"], in: "s") == nil)
    }

    /// This kernel's own BTF, where it can be read: the program's two offsets are there.
    @Test(.enabled(if: access("/sys/kernel/btf/vmlinux", R_OK) == 0, "skipped: no kernel BTF"))
    func thisKernelsBTFHasTheOffsets() throws {
        let types = try #require(BTFTypes(readFile("/sys/kernel/btf/vmlinux")))
        let offsets = try TransitionProgram.Offsets(types)
        #expect(offsets.socketNet >= 0 && offsets.socketNet < 256)
        #expect(offsets.namespaceInode >= 0 && offsets.namespaceInode < 4096)
    }
}
