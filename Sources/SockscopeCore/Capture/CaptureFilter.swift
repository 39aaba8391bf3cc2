/// The capture's kernel filter, as classic BPF (the program tcpdump compiles for `port A or port
/// B`): IPv4 and IPv6 TCP or UDP with either port in the list pass, cut to the snap length; all
/// else is dropped before it is copied. Without ports, every frame passes (cut). Pure: the
/// Transport layer attaches it (SO_ATTACH_FILTER).
public enum CaptureFilter {
    public struct Instruction: Equatable, Sendable {
        public var code: UInt16
        public var jumpTrue: UInt8
        public var jumpFalse: UInt8
        public var k: UInt32
    }

    // Opcodes (linux/filter.h).
    static let loadHalf: UInt16 = 0x28       // BPF_LD|BPF_H|BPF_ABS
    static let loadByte: UInt16 = 0x30       // BPF_LD|BPF_B|BPF_ABS
    static let loadHalfIndexed: UInt16 = 0x48 // BPF_LD|BPF_H|BPF_IND
    static let loadHeaderLength: UInt16 = 0xB1 // BPF_LDX|BPF_B|BPF_MSH: X = 4 * (byte & 0xf)
    static let jumpEqual: UInt16 = 0x15      // BPF_JMP|BPF_JEQ|BPF_K
    static let jumpSet: UInt16 = 0x45        // BPF_JMP|BPF_JSET|BPF_K
    static let returnConstant: UInt16 = 0x06 // BPF_RET|BPF_K

    /// At most this many ports (a program's jumps reach 255 instructions).
    public static let maximumPorts = 32

    enum Target { case next, accept, drop, label(String) }

    public static func program(ports: [UInt16], snapLength: UInt32) -> [Instruction] {
        let ports = Array(Set(ports)).sorted().prefix(maximumPorts)
        guard !ports.isEmpty else { return [Instruction(code: returnConstant, jumpTrue: 0, jumpFalse: 0, k: snapLength)] }
        var lines: [(label: String?, code: UInt16, yes: Target, no: Target, k: UInt32)] = []
        func add(_ code: UInt16, _ k: UInt32, yes: Target = .next, no: Target = .next, label: String? = nil) {
            lines.append((label, code, yes, no, k))
        }
        func checks(last: Target) {
            for (index, port) in ports.enumerated() {
                add(jumpEqual, UInt32(port), yes: .accept, no: index == ports.count - 1 ? last : .next)
            }
        }
        add(loadHalf, 12)                                            // EtherType
        add(jumpEqual, 0x0800, yes: .label("v4"))
        add(jumpEqual, 0x86DD, yes: .label("v6"), no: .drop)
        add(loadByte, 23, label: "v4")                               // IPv4 protocol
        add(jumpEqual, 6, yes: .label("v4ports"))
        add(jumpEqual, 17, yes: .label("v4ports"), no: .drop)
        add(loadHalf, 20, label: "v4ports")                          // a later fragment has no ports
        add(jumpSet, 0x1FFF, yes: .drop)
        add(loadHeaderLength, 14)
        add(loadHalfIndexed, 14)                                     // source port
        checks(last: .next)
        add(loadHalfIndexed, 16)                                     // destination port
        checks(last: .drop)
        add(loadByte, 20, label: "v6")                               // IPv6 next header (no extension headers)
        add(jumpEqual, 6, yes: .label("v6ports"))
        add(jumpEqual, 17, yes: .label("v6ports"), no: .drop)
        add(loadHalf, 54, label: "v6ports")
        checks(last: .next)
        add(loadHalf, 56)
        checks(last: .drop)
        add(returnConstant, snapLength, label: "accept")
        add(returnConstant, 0, label: "drop")

        func position(_ target: Target, from index: Int) -> UInt8 {
            let destination: Int
            switch target {
            case .next: return 0
            case .accept: destination = lines.firstIndex { $0.label == "accept" } ?? index + 1
            case .drop: destination = lines.firstIndex { $0.label == "drop" } ?? index + 1
            case .label(let name): destination = lines.firstIndex { $0.label == name } ?? index + 1
            }
            return UInt8(clamping: destination - index - 1)
        }
        return lines.enumerated().map { index, line in
            Instruction(code: line.code, jumpTrue: position(line.yes, from: index), jumpFalse: position(line.no, from: index), k: line.k)
        }
    }
}
