/// Which of a name's addresses `sockscope probe` tries first (issue 24): getaddrinfo's order
/// (RFC 6724's destination address selection) kept within each family, the families
/// alternated from the first one's on, as Happy Eyeballs does (RFC 8305 §4), so that a family
/// that does not answer costs one attempt delay, not a timeout per address.
public enum ProbeOrder {
    /// `families`: each address's family, in getaddrinfo's order; the indices in trying order.
    public static func interleaved(_ families: [Int32]) -> [Int] {
        guard let first = families.first else { return [] }
        var mine = families.indices.filter { families[$0] == first }[...]
        var others = families.indices.filter { families[$0] != first }[...]
        var order: [Int] = []
        while !mine.isEmpty || !others.isEmpty {
            if let next = mine.popFirst() { order.append(next) }
            if let next = others.popFirst() { order.append(next) }
        }
        return order
    }

    /// RFC 8305's recommended Connection Attempt Delay: the next address is tried when the one
    /// before has not connected within it (or at once when it failed).
    public static let attemptDelay = 0.25

    /// `--send DATA` as typed, with the escapes a shell's quotes make awkward: \n \r \t \0 \\
    /// and \xHH. nil (with the reason) when an escape is unknown or cut short.
    public static func bytes(_ text: String) -> Result<[UInt8], UsageError> {
        var out: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            guard byte == 0x5C else {
                out.append(byte)
                continue
            }
            switch input.popFirst() {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "0"): out.append(0x00)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "x"):
                guard input.count >= 2, let value = UInt8(String(decoding: input.prefix(2), as: UTF8.self), radix: 16) else {
                    return .failure(UsageError("a backslash and x take two hex digits"))
                }
                out.append(value)
                input = input.dropFirst(2)
            case let other?:
                // Said without a backslash: messages escape them, which would double it.
                return .failure(UsageError("a backslash before '\(String(decoding: [other], as: UTF8.self))' (escapes: n r t 0, x and two hex digits, a backslash)"))
            case nil:
                return .failure(UsageError("a backslash at the end"))
            }
        }
        return .success(out)
    }
}
