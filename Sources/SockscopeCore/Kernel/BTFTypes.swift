/// The kernel's own description of its types (BTF, `/sys/kernel/btf/vmlinux`), read just far
/// enough to find where a member lies in a struct: the offsets the transition program needs
/// (`sk->__sk_common.skc_net.net`, `net->ns.inum`) are this kernel's, never assumed — a kernel
/// that moves or renames one is refused, and tracing falls back to tracefs.
///
/// Pure and defensive: every length and index read from the blob is checked before use.
public struct BTFTypes: Sendable {
    public enum Kind: UInt32, Sendable {
        case int = 1, pointer, array, structure, union, enumeration, forward, typedef, volatile, constant,
             restrict, function, functionPrototype, variable, dataSection, float, declarationTag, typeTag,
             enumeration64
    }

    struct Entry: Sendable {
        var name: UInt32
        var kind: Kind
        var kindFlag: Bool
        var count: Int
        /// Size for structs, unions and ints; the referred type for pointers and modifiers.
        var sizeOrType: UInt32
        /// Where the kind's trailing data starts (members of a struct).
        var extra: Int
    }

    let bytes: [UInt8]
    let strings: Range<Int>
    /// Index 0 is `void`; type ids count from 1.
    var entries: [Entry] = []

    /// nil when `blob` is not BTF this reader understands (wrong magic, a section out of bounds,
    /// an unknown kind).
    public init?(_ blob: [UInt8]) {
        bytes = blob
        func u32(_ at: Int) -> UInt32? { Self.u32(blob, at) }
        guard blob.count >= 24, blob[0] == 0x9F, blob[1] == 0xEB, blob[2] == 1,
              let headerLength = u32(4), let typeOffset = u32(8), let typeLength = u32(12),
              let stringOffset = u32(16), let stringLength = u32(20) else { return nil }
        let typeStart = Int(headerLength) + Int(typeOffset), typeEnd = typeStart + Int(typeLength)
        let stringStart = Int(headerLength) + Int(stringOffset), stringEnd = stringStart + Int(stringLength)
        guard typeEnd <= blob.count, stringEnd <= blob.count else { return nil }
        strings = stringStart..<stringEnd
        entries.reserveCapacity(Int(typeLength) / 24)
        entries.append(Entry(name: 0, kind: .int, kindFlag: false, count: 0, sizeOrType: 0, extra: 0))
        var at = typeStart
        while at < typeEnd {
            guard at + 12 <= typeEnd, let name = u32(at), let info = u32(at + 4), let sizeOrType = u32(at + 8),
                  let kind = Kind(rawValue: (info >> 24) & 0x1F) else { return nil }
            let count = Int(info & 0xFFFF)
            let extra = at + 12
            at = extra + Self.trailingBytes(kind, count: count)
            guard at <= typeEnd else { return nil }
            entries.append(Entry(name: name, kind: kind, kindFlag: info >> 31 == 1, count: count,
                                 sizeOrType: sizeOrType, extra: extra))
        }
    }

    /// The bytes after a type's 12-byte head, by kind (linux/btf.h).
    static func trailingBytes(_ kind: Kind, count: Int) -> Int {
        switch kind {
        case .int, .variable, .declarationTag: 4
        case .array: 12
        case .structure, .union, .dataSection, .enumeration64: 12 * count
        case .enumeration, .functionPrototype: 8 * count
        case .pointer, .forward, .typedef, .volatile, .constant, .restrict, .function, .float, .typeTag: 0
        }
    }

    /// Where a member is, and its type, once typedefs and qualifiers are looked through.
    public struct Member: Sendable, Equatable {
        public var offset: Int
        public var kind: Kind
        /// Bytes, for an int, struct or union; 8 for a pointer (this reader is for 64-bit kernels).
        public var size: Int
    }

    /// The byte offset of `path` (members, outer to inner) inside the struct named `structure`,
    /// searching anonymous structs and unions on the way as C does. nil when a name is missing, a
    /// member is a bit field, or a step is not a struct or union.
    public func member(_ path: [String], in structure: String) -> Member? {
        guard var type = structID(named: structure) else { return nil }
        var offset = 0
        var found: Member?
        for name in path {
            guard let (inner, memberType) = self.find(name, in: type) else { return nil }
            offset += inner
            let resolved = resolve(memberType)
            guard resolved < entries.count else { return nil }
            let entry = entries[resolved]
            let size = entry.kind == .pointer ? 8 : Int(entry.sizeOrType)
            found = Member(offset: offset, kind: entry.kind, size: size)
            type = resolved
        }
        return found
    }

    /// A complete struct (not a forward declaration) with this name.
    func structID(named name: String) -> Int? {
        let wanted = Array(name.utf8)
        return entries.indices.first { entries[$0].kind == .structure && entries[$0].count > 0 && self.name(entries[$0].name, is: wanted) }
    }

    /// The member's byte offset and type id inside struct or union `type`, depth first through
    /// anonymous members.
    func find(_ name: String, in type: Int, depth: Int = 0) -> (offset: Int, type: Int)? {
        guard depth < 8, type < entries.count else { return nil }
        let entry = entries[type]
        guard entry.kind == .structure || entry.kind == .union else { return nil }
        let wanted = Array(name.utf8)
        for index in 0..<entry.count {
            let at = entry.extra + 12 * index
            let memberName = u32(at), memberType = Int(u32(at + 4)), bits = u32(at + 8)
            // With kind_flag the top byte is a bit field's width: such a member has no byte address.
            if entry.kindFlag && bits >> 24 != 0 { continue }
            let bitOffset = Int(entry.kindFlag ? bits & 0xFF_FFFF : bits)
            if memberName == 0 {
                let inner = resolve(memberType)
                if let found = find(name, in: inner, depth: depth + 1), bitOffset % 8 == 0 {
                    return (bitOffset / 8 + found.offset, found.type)
                }
            } else if self.name(memberName, is: wanted) {
                return bitOffset % 8 == 0 ? (bitOffset / 8, memberType) : nil
            }
        }
        return nil
    }

    /// Looks through typedefs and qualifiers (bounded: a loop in a hostile blob ends).
    func resolve(_ type: Int) -> Int {
        var type = type
        for _ in 0..<16 {
            guard type > 0, type < entries.count else { return type }
            switch entries[type].kind {
            case .typedef, .volatile, .constant, .restrict, .typeTag: type = Int(entries[type].sizeOrType)
            default: return type
            }
        }
        return type
    }

    /// A little-endian u32 of the blob: 0 past its end (a member read there names nothing).
    func u32(_ at: Int) -> UInt32 { Self.u32(bytes, at) ?? 0 }

    static func u32(_ blob: [UInt8], _ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= blob.count else { return nil }
        return UInt32(blob[at]) | UInt32(blob[at + 1]) << 8 | UInt32(blob[at + 2]) << 16 | UInt32(blob[at + 3]) << 24
    }

    /// Whether the NUL-terminated string at `offset` of the string section is `wanted`.
    func name(_ offset: UInt32, is wanted: [UInt8]) -> Bool {
        let start = strings.lowerBound + Int(offset)
        guard start + wanted.count < strings.upperBound else { return false }
        for (index, byte) in wanted.enumerated() where bytes[start + index] != byte { return false }
        return bytes[start + wanted.count] == 0
    }
}
