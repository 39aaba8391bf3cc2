/// Just enough of an eBPF assembler for the transition program: the instructions it uses, and
/// jumps to labels resolved when the program is finished. Writing the few dozen instructions here
/// rather than compiling C with clang at build time keeps `swift build` free of a BPF toolchain
/// and of libbpf-dev (see `TransitionProgram`); the kernel's verifier checks the result anyway.
public struct BPFAssembler: Sendable {
    public struct Register: Sendable, Equatable {
        let number: UInt8
        public static let r0 = Register(number: 0), r1 = Register(number: 1), r2 = Register(number: 2),
                          r3 = Register(number: 3), r6 = Register(number: 6), r7 = Register(number: 7),
                          r8 = Register(number: 8), frame = Register(number: 10)
    }

    public enum Width: Sendable {
        case half, word, double
        /// The size bits of a load or store opcode.
        var bits: UInt8 {
            switch self {
            case .word: 0x00
            case .half: 0x08
            case .double: 0x18
            }
        }
    }

    public struct Label: Hashable, Sendable { let id: Int }

    /// A helper's number in the kernel's `enum bpf_func_id` (stable: the ABI only grows).
    public enum Helper: Int32, Sendable {
        case mapLookupElement = 1, kernelTime = 5, processorID = 8, currentPIDAndTGID = 14,
             probeReadKernel = 113, ringBufferReserve = 131, ringBufferSubmit = 132
    }

    struct Instruction {
        var code: UInt8
        var destination: UInt8
        var source: UInt8
        var offset: Int16
        var immediate: Int32
        var target: Label?
    }

    var instructions: [Instruction] = []
    var labels: [Label: Int] = [:]
    var nextLabel = 0

    public init() {}

    public mutating func newLabel() -> Label {
        nextLabel += 1
        return Label(id: nextLabel)
    }

    public mutating func place(_ label: Label) { labels[label] = instructions.count }

    mutating func emit(_ code: UInt8, _ destination: Register = .r0, _ source: Register = .r0, offset: Int16 = 0,
                       immediate: Int32 = 0, target: Label? = nil) {
        instructions.append(Instruction(code: code, destination: destination.number, source: source.number, offset: offset,
                                        immediate: immediate, target: target))
    }

    /// `destination = source` (64-bit).
    public mutating func move(_ destination: Register, _ source: Register) { emit(0xBF, destination, source) }
    /// `destination = value` (sign-extended to 64 bits).
    public mutating func move(_ destination: Register, _ value: Int32) { emit(0xB7, destination, immediate: value) }
    /// `destination += value`.
    public mutating func add(_ destination: Register, _ value: Int32) { emit(0x07, destination, immediate: value) }
    /// `destination = *(width *)(source + offset)`.
    public mutating func load(_ destination: Register, _ width: Width, from source: Register, _ offset: Int16) {
        emit(0x61 | width.bits, destination, source, offset: offset)
    }
    /// `*(width *)(destination + offset) = source`.
    public mutating func store(_ width: Width, to destination: Register, _ offset: Int16, _ source: Register) {
        emit(0x63 | width.bits, destination, source, offset: offset)
    }
    /// `*(width *)(destination + offset) = value`.
    public mutating func store(_ width: Width, to destination: Register, _ offset: Int16, value: Int32) {
        emit(0x62 | width.bits, destination, offset: offset, immediate: value)
    }
    /// `lock *(u64 *)(destination + offset) += source`.
    public mutating func atomicAdd(to destination: Register, _ offset: Int16, _ source: Register) {
        emit(0xDB, destination, source, offset: offset)
    }
    /// `destination = the map with this descriptor` (a 16-byte instruction the loader rewrites).
    public mutating func loadMap(_ destination: Register, descriptor: Int32) {
        emit(0x18, destination, Register(number: 1), immediate: descriptor)
        emit(0x00)
    }
    /// `if register == value goto label` (64-bit).
    public mutating func jumpIfEqual(_ register: Register, _ value: Int32, to label: Label) {
        emit(0x15, register, immediate: value, target: label)
    }
    /// `if register != value goto label` (64-bit).
    public mutating func jumpIfNotEqual(_ register: Register, _ value: Int32, to label: Label) {
        emit(0x55, register, immediate: value, target: label)
    }
    /// `if (u32)register != value goto label`: the low 32 bits only, so a value above 2³¹ (a
    /// namespace's inode number) is compared as the unsigned number it is.
    public mutating func jumpIfNotEqual32(_ register: Register, _ value: UInt32, to label: Label) {
        emit(0x56, register, immediate: Int32(bitPattern: value), target: label)
    }
    public mutating func jump(to label: Label) { emit(0x05, target: label) }
    public mutating func call(_ helper: Helper) { emit(0x85, immediate: helper.rawValue) }
    public mutating func exit() { emit(0x95) }

    public enum Failure: Error, Equatable {
        case unplacedLabel
        case jumpTooFar
    }

    /// The program as the kernel reads it: 8 bytes an instruction, little-endian.
    public func assemble() throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(instructions.count * 8)
        for (index, instruction) in instructions.enumerated() {
            var offset = instruction.offset
            if let target = instruction.target {
                guard let place = labels[target] else { throw .unplacedLabel }
                // A jump counts from the instruction after it.
                guard let relative = Int16(exactly: place - index - 1) else { throw .jumpTooFar }
                offset = relative
            }
            let o = UInt16(bitPattern: offset), i = UInt32(bitPattern: instruction.immediate)
            bytes += [instruction.code, instruction.destination | instruction.source << 4,
                      UInt8(o & 0xFF), UInt8(o >> 8),
                      UInt8(i & 0xFF), UInt8(i >> 8 & 0xFF), UInt8(i >> 16 & 0xFF), UInt8(i >> 24)]
        }
        return bytes
    }
}
